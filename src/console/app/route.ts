/**
 * Where the tenant is, in the location's hash (`#/adapters/{id}/{tab}`): a reload returns to the
 * same adapter and tab, and the browser's Back and Forward move between views instead of leaving
 * the console.
 */

import { useEffect, useState } from "preact/hooks";

export const TABS = ["Samples", "Train", "Report", "Try it", "Versions", "Selection"] as const;
export type Tab = (typeof TABS)[number];

export interface Route {
  adapterId: string | null;
  tab: Tab;
}

const slug = (tab: Tab) => tab.toLowerCase().replace(" ", "-");

export function parseRoute(hash: string): Route {
  const match = /^#\/adapters\/([^/]+)(?:\/([a-z-]+))?$/.exec(hash);
  if (!match) return { adapterId: null, tab: "Samples" };
  const tab = TABS.find((t) => slug(t) === match[2]) ?? "Samples";
  return { adapterId: decodeURIComponent(match[1] as string), tab };
}

export function routeHash({ adapterId, tab }: Route): string {
  return adapterId === null ? "#/" : `#/adapters/${encodeURIComponent(adapterId)}/${slug(tab)}`;
}

/** The route in the location's hash, and a way to go elsewhere (a new history entry). */
export function useRoute(): [Route, (route: Route) => void] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const follow = () => setHash(location.hash);
    addEventListener("hashchange", follow);
    return () => removeEventListener("hashchange", follow);
  }, []);
  const go = (route: Route) => {
    location.hash = routeHash(route);
  };
  return [parseRoute(hash), go];
}
