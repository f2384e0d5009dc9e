/** The console's route (./route.ts), followed in the location's hash. */

import { useEffect, useState } from "preact/hooks";
import { parseRoute, type Route, routeHash } from "./route";

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
  const route = parseRoute(hash);
  const canonical = routeHash(route);
  useEffect(() => {
    // A hand-edited or stale link shows what it resolved to, without a new history entry.
    if (hash !== "" && hash !== canonical) history.replaceState(null, "", canonical);
  }, [hash, canonical]);
  return [route, go];
}
