/**
 * The four request kinds of the mixed load, over plain fetch from the client side: bodies are
 * serialised once, except an upload's, whose text is new each time so no upload is a duplicate.
 */

import { picturePng, toBase64 } from "../../test/fixtures/pictures";
import { ADMIN_TOKEN, type TenantAdapter } from "../tenants/api";

export const REQUEST_KINDS = ["predict-text", "predict-image", "upload", "embed"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface LoadTargets {
  readonly url: string;
  /** A trained use-lite adapter: text predictions and uploads. */
  readonly text: TenantAdapter;
  /** A trained mobilenet-v2 adapter of the same tenant: image predictions. */
  readonly image: TenantAdapter;
  /** The text every prediction, upload and embedding starts from. */
  readonly probe: string;
}

/** The side of the pictures predicted: MobileNetV2's own input size. */
export const PICTURE_SIDE = 224;

export type SendRequest = (
  kind: RequestKind,
  sequence: number,
  signal: AbortSignal,
) => Promise<Response>;

export function requestSender(targets: LoadTargets): SendRequest {
  const json = (key: string) => ({
    "content-type": "application/json",
    authorization: `Bearer ${key}`,
  });
  const predictText = JSON.stringify({ inputs: [targets.probe] });
  const picture = toBase64(picturePng(PICTURE_SIDE, PICTURE_SIDE, 7));
  const predictImage = JSON.stringify({ inputs: [{ image: picture }] });
  // /v1/embed takes a key or the admin token once it requires auth; sending it now is harmless.
  const embed = JSON.stringify({ backbone: "use-lite", inputs: [targets.probe] });
  const adapterUrl = ({ adapterId }: TenantAdapter) => `${targets.url}/v1/adapters/${adapterId}`;

  return (kind, sequence, signal) => {
    const post = (url: string, headers: Record<string, string>, body: string) =>
      fetch(url, { method: "POST", headers, body, signal });
    switch (kind) {
      case "predict-text":
        return post(`${adapterUrl(targets.text)}/predict`, json(targets.text.key), predictText);
      case "predict-image":
        return post(`${adapterUrl(targets.image)}/predict`, json(targets.image.key), predictImage);
      case "upload": {
        const sample = {
          input: `${targets.probe} (${sequence})`,
          label: sequence % 2 ? "spam" : "ham",
        };
        const body = JSON.stringify({ samples: [sample] });
        return post(`${adapterUrl(targets.text)}/samples`, json(targets.text.key), body);
      }
      case "embed":
        return post(`${targets.url}/v1/embed`, json(ADMIN_TOKEN), embed);
    }
  };
}
