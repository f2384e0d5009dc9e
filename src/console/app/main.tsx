/** The console's shell: sign-in (tenant key or admin token), then the admin panel or the adapters. */

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { AdapterList } from "./adapters";
import { AdminPanel } from "./admin";
import { call, callAdmin, session, whenUnauthorized } from "./api";
import { forgetDrafts, keepDraftsOf } from "./drafts";
import { ErrorBox, useAction } from "./ui";

type Mode = "signed-out" | "tenant" | "admin";

function initialMode(): Mode {
  if (session.key()) return "tenant";
  if (session.admin()) return "admin";
  return "signed-out";
}

function App() {
  const [mode, setMode] = useState<Mode>(initialMode);
  const [reason, setReason] = useState<string | null>(null);
  const signedIn = useRef(mode !== "signed-out");
  signedIn.current = mode !== "signed-out";
  // Signing in or out replaces the form or button that had the focus: it moves to the new view,
  // not to the top of the page. (Not on load: the page opens with the focus where the browser puts it.)
  const main = useRef<HTMLElement>(null);
  const loaded = useRef(false);
  useEffect(() => {
    // Another tenant's drafts (typed before a key was revoked, say) do not follow into this session.
    if (mode !== "signed-out") keepDraftsOf(mode);
    if (loaded.current) main.current?.focus();
    loaded.current = true;
  }, [mode]);
  useEffect(
    () =>
      whenUnauthorized((why) => {
        session.clear();
        // A refused sign-in says so in its own form; only a session that ends is "signed out".
        if (!signedIn.current) return;
        setReason(`Signed out: ${why}.`);
        setMode("signed-out");
      }),
    [],
  );
  const signOut = () => {
    session.clear();
    forgetDrafts();
    setReason(null);
    setMode("signed-out");
  };
  const useKey = (key: string) => {
    session.clear();
    session.setKey(key);
    setMode("tenant");
  };
  return (
    <>
      <header>
        <h1>edge-adapt</h1>
        <nav>
          <a href="/docs">API reference</a>
          {mode !== "signed-out" && (
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          )}
        </nav>
      </header>
      <main ref={main} tabindex={-1}>
        {mode === "signed-out" && (
          <SignIn
            reason={reason}
            onTenant={() => setMode("tenant")}
            onAdmin={() => setMode("admin")}
          />
        )}
        {mode === "admin" && <AdminPanel onUseKey={useKey} />}
        {mode === "tenant" && <AdapterList />}
      </main>
    </>
  );
}

function SignIn({
  reason,
  onTenant,
  onAdmin,
}: {
  reason: string | null;
  onTenant: () => void;
  onAdmin: () => void;
}) {
  const tenant = useAction();
  const admin = useAction();
  const [key, setKey] = useState("");
  const [token, setToken] = useState("");
  return (
    <div class="grid2">
      {reason && (
        <p class="notice" role="alert" data-testid="signed-out-reason">
          {reason}
        </p>
      )}
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          tenant.run(async () => {
            session.setKey(key.trim());
            try {
              await call("GET", "/v1/tenant");
            } catch (error) {
              session.clear();
              throw error;
            }
            onTenant();
          });
        }}
      >
        <h2>Sign in with an API key</h2>
        <label>
          Tenant API key
          <input
            name="key"
            type="password"
            autocomplete="off"
            required
            pattern=".*\S.*"
            title="The key itself, not only spaces"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        <p class="hint">Kept in this tab only (session storage).</p>
        <button type="submit" disabled={tenant.busy}>
          Sign in
        </button>
        <ErrorBox error={tenant.error} />
      </form>
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          admin.run(async () => {
            session.setAdmin(token.trim());
            try {
              await callAdmin("GET", "/v1/tenants?limit=1");
            } catch (error) {
              session.clear();
              throw error;
            }
            onAdmin();
          });
        }}
      >
        <h2>Administer</h2>
        <label>
          Admin token
          <input
            name="admin-token"
            type="password"
            autocomplete="off"
            required
            pattern=".*\S.*"
            title="The token itself, not only spaces"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <p class="hint">Create tenants, issue and revoke their keys.</p>
        <button type="submit" disabled={admin.busy}>
          Open admin
        </button>
        <ErrorBox error={admin.error} />
      </form>
    </div>
  );
}

// Files dropped beside a drop zone would be opened by the browser in place of the console, losing
// the page: swallowed. Drops of text (into a text box) keep their default.
for (const type of ["dragover", "drop"] as const) {
  addEventListener(type, (event) => {
    if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
}

render(<App />, document.getElementById("app") as HTMLElement);
