/** Admin mode: tenants, and their API keys (a new key is shown once, with a copy button). */

import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { callAdmin, listAll, path } from "./api";
import { Card, ErrorBox, keepFocusNear, useAction } from "./ui";

interface Tenant {
  id: string;
  name: string;
}
interface ApiKey {
  id: string;
  hint: string;
  createdAt: string;
}

export function AdminPanel({ onUseKey }: { onUseKey: (key: string) => void }) {
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [selected, setSelected] = useState<Tenant | null>(null);
  const [name, setName] = useState("");
  const action = useAction();
  const load = () =>
    action.run(async () => {
      setTenants(await listAll<Tenant>("/v1/tenants", "tenants", "admin"));
    });
  useEffect(() => {
    load();
  }, []);
  return (
    <div class="grid2">
      <Card title="Tenants">
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            action.run(async () => {
              const tenant = await callAdmin<Tenant>("POST", "/v1/tenants", { json: { name } });
              setName("");
              setTenants((list) => [...list, tenant]);
              setSelected(tenant);
            });
          }}
        >
          <label>
            New tenant name
            <input
              name="tenant-name"
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={action.busy}>
            Create tenant
          </button>
        </form>
        <ErrorBox error={action.error} />
        <ul class="list">
          {tenants.map((tenant) => (
            <li key={tenant.id}>
              <button
                type="button"
                class={selected?.id === tenant.id ? "link selected" : "link"}
                onClick={() => setSelected(tenant)}
              >
                {tenant.name}
              </button>{" "}
              <code>{tenant.id}</code>{" "}
              <button
                type="button"
                class="danger small"
                aria-label={`delete tenant ${tenant.name}`}
                onClick={(event) =>
                  confirm(
                    `Delete tenant "${tenant.name}" with all its adapters, samples, versions and keys?`,
                  ) &&
                  keepFocusNear(
                    event.currentTarget,
                    action.run(async () => {
                      await callAdmin("DELETE", `/v1/tenants/${path(tenant.id)}`);
                      setTenants((list) => list.filter((t) => t.id !== tenant.id));
                      setSelected((shown) => (shown?.id === tenant.id ? null : shown));
                    }),
                  )
                }
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      </Card>
      {selected && <TenantKeys key={selected.id} tenant={selected} onUseKey={onUseKey} />}
    </div>
  );
}

function TenantKeys({ tenant, onUseKey }: { tenant: Tenant; onUseKey: (key: string) => void }) {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  // The key just issued, shown once; forgotten if revoked (it could no longer sign in).
  const [issued, setIssued] = useState<{ id: string; key: string } | null>(null);
  const keyText = useRef<HTMLElement>(null);
  const action = useAction();
  const keysPath = `/v1/tenants/${path(tenant.id)}/keys`;
  const load = () =>
    action.run(async () => setKeys((await callAdmin<{ keys: ApiKey[] }>("GET", keysPath)).keys));
  useEffect(() => {
    load();
  }, [tenant.id]);
  return (
    <Card title={`Keys of ${tenant.name}`}>
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          action.run(async () => {
            const key = await callAdmin<ApiKey & { key: string }>("POST", keysPath);
            setIssued({ id: key.id, key: key.key });
            setKeys((list) => [...list, key]);
          })
        }
      >
        Issue a key
      </button>
      {issued && (
        <div class="issued" role="status">
          <p>The new key, shown only this once:</p>
          <code data-testid="issued-key" ref={keyText}>
            {issued.key}
          </code>
          <div class="row">
            <CopyButton key={issued.id} text={issued.key} fallback={keyText} />
            <button type="button" onClick={() => onUseKey(issued.key)}>
              Sign in with this key
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={action.error} />
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th>key</th>
              <th>created</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>
                  <code>{key.hint}…</code>
                </td>
                <td>{new Date(key.createdAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    class="danger"
                    onClick={(event) =>
                      confirm(`Revoke key ${key.hint}…? Clients using it stop working.`) &&
                      keepFocusNear(
                        event.currentTarget,
                        action.run(async () => {
                          await callAdmin("DELETE", `${keysPath}/${path(key.id)}`);
                          setKeys((list) => list.filter((k) => k.id !== key.id));
                          setIssued((shown) => (shown?.id === key.id ? null : shown));
                        }),
                      )
                    }
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/**
 * Copies to the clipboard. Where the browser refuses (no clipboard outside a secure context, a
 * denied permission), it says so and selects the `fallback` text, to copy by hand.
 */
function CopyButton({ text, fallback }: { text: string; fallback: RefObject<HTMLElement> }) {
  const [outcome, setOutcome] = useState<"copied" | "refused" | null>(null);
  const refused = () => {
    setOutcome("refused");
    if (fallback.current) getSelection()?.selectAllChildren(fallback.current);
  };
  return (
    <>
      <button
        type="button"
        onClick={() => {
          if (!navigator.clipboard) return refused();
          navigator.clipboard.writeText(text).then(() => setOutcome("copied"), refused);
        }}
      >
        {outcome === "copied" ? "Copied" : "Copy"}
      </button>
      {outcome === "refused" && (
        <p class="error" role="alert" data-testid="copy-refused">
          The browser did not let the page copy: the key is selected, copy it with the keyboard.
        </p>
      )}
    </>
  );
}
