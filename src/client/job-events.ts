/**
 * Server-sent events of `GET /v1/jobs/{id}/events`: one event per change of the job, named after its
 * status, whose data is the whole job as JSON. The stream ends when the job has ended.
 */

export interface JobEvent<Job> {
  event: string;
  job: Job;
}

/** Parses an event stream (`event:` / `data:` lines, a blank line ends an event). */
export async function* jobEvents<Job>(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<JobEvent<Job>> {
  let buffered = "";
  let event = "message";
  let data: string[] = [];
  // A TextDecoder in streaming mode rather than TextDecoderStream, whose types differ between the
  // Workers and DOM libraries (the console bundles this file too).
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    buffered += decoder.decode(bytes, { stream: true });
    const lines = buffered.split(/\r?\n/);
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") {
        if (data.length > 0) yield { event, job: JSON.parse(data.join("\n")) as Job };
        event = "message";
        data = [];
      } else if (line.startsWith("event:")) {
        event = line.slice(6).trim();
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).trimStart());
      }
    }
  }
}
