import { describe, expect, it } from "vitest";
import { edgeAdaptClient } from "../../../src/client";
import { jobEvents } from "../../../src/client/job-events";
import { ProblemError } from "../../../src/client/problem-error";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe("jobEvents", () => {
  it("parses events split anywhere across chunks, CRLF or LF", async () => {
    const text =
      'event: running\ndata: {"status":"running","n":1}\n\nevent: succeeded\r\ndata: {"status":"succeeded","n":2}\r\n\r\n';
    const chunks = [text.slice(0, 7), text.slice(7, 30), text.slice(30, 61), text.slice(61)];
    const events = [];
    for await (const event of jobEvents<{ status: string; n: number }>(streamOf(chunks))) {
      events.push(event);
    }
    expect(events).toEqual([
      { event: "running", job: { status: "running", n: 1 } },
      { event: "succeeded", job: { status: "succeeded", n: 2 } },
    ]);
  });
});

describe("ProblemError.from", () => {
  it("keeps a problem+json body's type, status and extensions", async () => {
    const body = {
      type: "/problems/too-few-samples",
      title: "too few samples",
      status: 422,
      detail: "label a has 1 sample",
      minimumSamplesPerClass: 3,
    };
    const error = await ProblemError.from(
      new Response(JSON.stringify(body), {
        status: 422,
        headers: { "content-type": "application/problem+json" },
      }),
    );
    expect(error.type).toBe("/problems/too-few-samples");
    expect(error.status).toBe(422);
    expect(error.problem.minimumSamplesPerClass).toBe(3);
  });

  it("reports a body that is not problem+json as its detail", async () => {
    const error = await ProblemError.from(
      new Response("Your worker restarted mid-request.", { status: 503 }),
    );
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.status).toBe(503);
    expect(error.type).toBe("about:blank");
    expect(error.problem.detail).toBe("Your worker restarted mid-request.");
  });
});

describe("the client's answers", () => {
  /** A client whose every request gets `respond()`'s answer (what the API sends, as bytes). */
  const clientAnswering = (respond: () => Response) =>
    edgeAdaptClient({ baseUrl: "http://api.test", token: "k", fetch: async () => respond() });

  it("throws a stream's error event as a ProblemError, not as the job", async () => {
    const problem = {
      type: "/problems/unauthorized",
      title: "unauthorized",
      status: 401,
      detail: "the key was revoked",
    };
    const client = clientAnswering(
      () =>
        new Response(
          streamOf([
            'event: running\ndata: {"status":"running"}\n\n',
            `event: error\ndata: ${JSON.stringify(problem)}\n\n`,
          ]),
          { headers: { "content-type": "text/event-stream" } },
        ),
    );
    const error = await client.finishedJob("j_1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(401);
    expect((error as ProblemError).type).toBe("/problems/unauthorized");
  });

  it("resolves a 204 (a deletion) to undefined", async () => {
    const client = clientAnswering(() => new Response(null, { status: 204 }));
    await expect(
      client.ok(client.api.v1.adapters[":adapterId"].$delete({ param: { adapterId: "a_1" } })),
    ).resolves.toBeUndefined();
  });
});
