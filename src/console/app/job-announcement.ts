/**
 * What a job's live region says, and when. Its progress message changes several times a second
 * (`round 7/9 … candidate 1/2 {"hiddenUnits":64,…}; epoch 92 validation loss 0.1051`): read out
 * each time, it would leave a screen reader saying nothing else. Said instead: the status and stage
 * with the percentage in steps of 10; a new status or stage, the end, and a server that stops
 * answering at once, the rest at most once every 5 s. The full message stays on screen, not live.
 */

export const ANNOUNCE_EVERY_MS = 5_000;

export interface JobState {
  status: string;
  stage: string | null;
  fraction: number;
  ended: boolean;
  /** The server has not answered the last attempts to follow the job. */
  unreachable: boolean;
}

export interface Announcement {
  text: string;
  /** What is said at once when it changes: status, stage, the server's silence. */
  turn: string;
  /** When it was made, in milliseconds. */
  at: number;
}

/** The announcement to make at `now`, or null: the last one stands. */
export function nextAnnouncement(
  last: Announcement | null,
  state: JobState,
  now: number,
): Announcement | null {
  const text = announcementText(state);
  const turn = `${state.status} ${state.stage} ${state.unreachable}`;
  if (last?.text === text) return null;
  if (last?.turn === turn && now - last.at < ANNOUNCE_EVERY_MS) return null;
  return { text, turn, at: now };
}

function announcementText({ status, stage, fraction, ended, unreachable }: JobState): string {
  if (ended || status === "queued") return status;
  if (unreachable) return "no answer from the server: trying again";
  return `${status}${stage ? ` ${stage}` : ""} ${Math.floor(fraction * 10) * 10}%`;
}
