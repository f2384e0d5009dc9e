/** A non-2xx answer from the API, as a typed exception carrying its RFC 9457 problem details. */

export interface ProblemDetails {
  /** Stable, e.g. `/problems/too-few-samples`: branch on this, not on `detail`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Extensions some problems carry, e.g. `minimumSamplesPerClass`. */
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  override readonly name = "ProblemError";

  constructor(readonly problem: ProblemDetails) {
    super(`${problem.status} ${problem.type}: ${problem.detail}`);
  }

  get status(): number {
    return this.problem.status;
  }

  get type(): string {
    return this.problem.type;
  }

  /** Reads a failed response; a body that is not problem+json (e.g. from a proxy) is kept as `detail`. */
  static async from(response: Response): Promise<ProblemError> {
    const text = await response.text();
    if (response.headers.get("content-type")?.includes("json")) {
      try {
        return new ProblemError({ status: response.status, ...JSON.parse(text) });
      } catch {
        // not JSON after all: reported as text below
      }
    }
    return new ProblemError({
      type: "about:blank",
      title: response.statusText,
      status: response.status,
      detail: text,
    });
  }
}
