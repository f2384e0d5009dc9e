/**
 * Where the tenant is, in the location's hash (`#/adapters/{id}/{tab}`, and `…/report/{version}`
 * for one version's report): a reload or a shared link returns to the same adapter, tab and
 * report, and the browser's Back and Forward move between views instead of leaving the console
 * (./use-route.ts follows it).
 */

export const TABS = ["Samples", "Train", "Report", "Try it", "Versions", "Selection"] as const;
export type Tab = (typeof TABS)[number];

export interface Route {
  adapterId: string | null;
  tab: Tab;
  /** The version the Report tab shows; null: the one that serves. */
  version: number | null;
}

const slug = (tab: Tab) => tab.toLowerCase().replace(" ", "-");

/**
 * Reads any hash: an unknown tab is Samples, a version that is no positive integer is the serving
 * one, and an id that is not valid percent-encoding is taken as written (the view then says no
 * such adapter). ./use-route.ts puts the canonical hash back in the address bar.
 */
export function parseRoute(hash: string): Route {
  const match = /^#\/adapters\/([^/]+)(?:\/([^/]*)(?:\/([^/]*))?)?\/?$/.exec(hash);
  if (!match) return { adapterId: null, tab: "Samples", version: null };
  const tab = TABS.find((t) => slug(t) === match[2]) ?? "Samples";
  const version =
    tab === "Report" && /^[1-9][0-9]{0,14}$/.test(match[3] ?? "") ? Number(match[3]) : null;
  return { adapterId: decodedSegment(match[1] as string), tab, version };
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function routeHash({ adapterId, tab, version }: Route): string {
  if (adapterId === null) return "#/";
  const shown = tab === "Report" && version !== null ? `/${version}` : "";
  return `#/adapters/${encodeURIComponent(adapterId)}/${slug(tab)}${shown}`;
}
