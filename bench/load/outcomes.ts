/**
 * What became of one request of the load: its status, or why it has none (a reset connection or a
 * timeout), and how long it took. A 503 from wrangler's dev proxy is told apart by its text.
 */

export interface Outcome {
  /** "200", "409", "503 dev proxy", "reset", "timeout", "network <code>". */
  readonly result: string;
  readonly ok: boolean;
  readonly serverError: boolean;
  readonly ms: number;
}

const PROXY_RESTART_TEXT = "restarted mid-request";
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNREFUSED"]);

export async function outcomeOf(response: Response, started: number): Promise<Outcome> {
  const text = await response.text();
  const result =
    response.status === 503 && text.includes(PROXY_RESTART_TEXT)
      ? "503 dev proxy"
      : String(response.status);
  return {
    result,
    ok: response.ok,
    serverError: response.status >= 500,
    ms: performance.now() - started,
  };
}

export function failureOf(error: unknown, started: number): Outcome {
  return {
    result: failureKind(error),
    ok: false,
    serverError: false,
    ms: performance.now() - started,
  };
}

function failureKind(error: unknown): string {
  if (error instanceof DOMException && ["TimeoutError", "AbortError"].includes(error.name)) {
    return "timeout";
  }
  const code = (error as { cause?: { code?: string } }).cause?.code;
  if (code !== undefined && RESET_CODES.has(code)) return "reset";
  return `network ${code ?? String(error)}`;
}
