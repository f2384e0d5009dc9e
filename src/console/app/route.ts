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

export function parseRoute(hash: string): Route {
  const match = /^#\/adapters\/([^/]+)(?:\/([a-z-]+)(?:\/([1-9][0-9]{0,14}))?)?$/.exec(hash);
  if (!match) return { adapterId: null, tab: "Samples", version: null };
  const tab = TABS.find((t) => slug(t) === match[2]) ?? "Samples";
  const version = tab === "Report" && match[3] !== undefined ? Number(match[3]) : null;
  return { adapterId: decodeURIComponent(match[1] as string), tab, version };
}

export function routeHash({ adapterId, tab, version }: Route): string {
  if (adapterId === null) return "#/";
  const shown = tab === "Report" && version !== null ? `/${version}` : "";
  return `#/adapters/${encodeURIComponent(adapterId)}/${slug(tab)}${shown}`;
}
