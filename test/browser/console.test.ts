/**
 * The web console in a real headless Chromium (playwright-core) against `wrangler dev`, as a person
 * would use it: admin → tenant → key; an image adapter from generated PNGs (picked and dropped),
 * trained, its report drawn with the API's numbers; a prediction; a second version and a rollback;
 * a fusion refused as too large and a lexical+use-lite one made in the form;
 * a text adapter from a pasted CSV, a selection and its apply; a bad file refused with the API's
 * detail; a revoked key back at sign-in; /docs with Swagger UI trying a route. Screenshots of each
 * screen go to test/browser/screenshots/ (git-ignored).
 */

import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page, type Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, withWranglerDev } from "../../bench/wrangler-dev";
import { buildConsole } from "../../src/console/build";
import { findChromium } from "./chromium";
import { picture, pictures } from "./pictures";

const SCREENSHOTS = join(import.meta.dirname, "screenshots");
const ADMIN_TOKEN = "dev-admin-token";
const JOB_TIMEOUT = 240_000;

let base = "";
let browser: Browser;
let page: Page;
let stopServer: () => void = () => {};
const problems: string[] = [];
let key = "";

/** The API directly, with the tenant key (or another token): the numbers the page must show. */
async function api<T>(path: string, init: RequestInit = {}, token = key): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  return (await response.json()) as T;
}

/** Waits for the page (uploads, jobs) to catch up. */
const until = <T>(read: () => Promise<T>, timeout = JOB_TIMEOUT) =>
  expect.poll(read, { timeout, interval: 250 });

const shot = (name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  // Fails here, loudly, when no browser is installed.
  const executablePath = findChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
  // The console as its source is now, before wrangler dev serves it.
  await buildConsole();
  const port = await freePort();
  await new Promise<void>((ready, failed) => {
    // Smaller job steps than the default, so that the MLP's epochs show in its progress.
    withWranglerDev({ port, vars: { JOB_STEP_FLOPS: "20000000" } }, ({ url }) => {
      base = url;
      ready();
      return new Promise<void>((stop) => {
        stopServer = stop;
      });
    }).catch(failed);
  });
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A 4xx the API answers is expected (the page shows the problem); script errors, CSP refusals
    // and any other missing resource (the favicon the page never named) are not.
    const refusedByApi =
      message.text().startsWith("Failed to load resource") &&
      new URL(message.location().url, base).pathname.startsWith("/v1/");
    if (message.type() === "error" && !refusedByApi) {
      problems.push(`${message.text()} ${message.location().url}`);
    }
  });
});

afterAll(async () => {
  await browser?.close();
  stopServer();
});

describe("the console", () => {
  it("admin creates a tenant and issues a key, shown once, then signs in with it", async () => {
    await page.goto(`${base}/`);
    // A wrong key is refused in its form, not announced as the end of a session never begun.
    await page.getByLabel("Tenant API key").fill("eak_not_a_key");
    await page.getByLabel("Tenant API key").press("Enter");
    await until(() => page.locator("form .error").first().textContent()).toContain("401");
    expect(await page.getByTestId("signed-out-reason").count()).toBe(0);
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Open admin" }).click();
    // A tenant is deleted, with all it holds, once confirmed.
    await page.getByLabel("New tenant name").fill("short-lived");
    await page.getByRole("button", { name: "Create tenant" }).click();
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "delete tenant short-lived" }).click();
    await until(() => page.getByRole("button", { name: "short-lived", exact: true }).count()).toBe(
      0,
    );
    // The focus, on the button just taken away, goes to the list's heading, not to the page's top.
    await until(() => activeText()).toBe("Tenants");
    const { tenants } = await api<{ tenants: { name: string }[] }>("/v1/tenants", {}, ADMIN_TOKEN);
    expect(tenants.map((tenant) => tenant.name)).not.toContain("short-lived");
    await page.getByLabel("New tenant name").fill("browser-test");
    await page.getByRole("button", { name: "Create tenant" }).click();
    // A key revoked right after it was issued is no longer offered to sign in with.
    await page.getByRole("button", { name: "Issue a key" }).click();
    await page.getByTestId("issued-key").waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Revoke" }).click();
    await until(() => page.getByTestId("issued-key").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Sign in with this key" }).count()).toBe(0);
    await page.getByRole("button", { name: "Issue a key" }).click();
    key = (await page.getByTestId("issued-key").textContent()) ?? "";
    expect(key).toMatch(/^eak_/);
    // A browser that refuses the clipboard (no secure context, a denied permission): said so, and
    // the key selected, to copy by hand.
    await page.evaluate(
      'navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"))',
    );
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByTestId("copy-refused").waitFor();
    expect(await page.evaluate<string>("String(getSelection())")).toBe(key);
    expect((await api<{ id: string }>("/v1/tenant")).id).toMatch(/^t_/);
    await shot("1-admin");
    await page.getByRole("button", { name: "Sign in with this key" }).click();
    await until(() => page.getByRole("heading", { name: "Adapters" }).isVisible()).toBe(true);
    // Off the admin panel that had it, the focus moves to the tenant's view.
    await until(() => page.evaluate<string | undefined>("document.activeElement?.tagName")).toBe(
      "MAIN",
    );
    // A link to an adapter this tenant does not have says so, over the list.
    await page.evaluate('location.replace("#/adapters/a_000000000000000000000000/report")');
    await until(() => page.getByRole("alert").first().textContent()).toContain(
      "No adapter “a_000000000000000000000000” in this tenant",
    );
    // InceptionV3 cannot be served in a 128 MB isolate: offered, but not to be picked.
    await page.getByLabel("image", { exact: true }).check();
    expect(
      await page.locator('select[name="backbone"] option[value="inception-v3"]').isDisabled(),
    ).toBe(true);
    await page.evaluate('location.replace("#/")');
  });

  it("builds an image adapter from picked and dropped PNGs, trains it, and draws the API's report", async () => {
    await page.getByLabel("Name", { exact: true }).fill("colours");
    await page.getByLabel("image", { exact: true }).check();
    await page.getByLabel("Backbone").selectOption("mobilenet-v2");
    await until(() => page.getByTestId("backbone-info").textContent()).toContain("1792-d");
    // The cut layer: the one its adapters start on (the manifest's adapterLayer) first. The top a
    // finetune retrains ends in `pooled`, so finetune is offered there only.
    expect(await page.getByLabel("Layer").inputValue()).toBe("block16-grid-2x2");
    expect(await page.locator('select[name="head-type"] option[value="finetune"]').count()).toBe(0);
    expect(await page.getByTestId("finetune-hint").textContent()).toContain("layer pooled");
    await page.getByLabel("Layer").selectOption("pooled");
    expect(await page.getByTestId("finetune-hint").count()).toBe(0);
    // A head type the next backbone cannot train goes back to logistic, not on to a 422.
    await page.getByLabel("Head type").selectOption("finetune");
    // (mobilenet-v2-auto declares no trainable top; mobilenet-v2-onnx is not offered beside tfjs.)
    await page.getByLabel("Backbone").selectOption("mobilenet-v2-auto");
    expect(await page.getByLabel("Head type").inputValue()).toBe("logistic");
    await page.getByLabel("Backbone").selectOption("mobilenet-v2");
    expect(await page.getByLabel("Head type").inputValue()).toBe("logistic");
    // Another layer than the top's output takes the head type back to logistic and stops offering
    // finetune.
    await page.getByLabel("Layer").selectOption("pooled");
    await page.getByLabel("Head type").selectOption("finetune");
    await page.getByLabel("Layer").selectOption("block16-grid");
    await until(() => page.getByTestId("layer-info").textContent()).toContain("3×3 grid");
    // Both hints read alike, the layer's (inside its label) not bold.
    const weightOf = (testId: string) =>
      page.evaluate<string>(
        `getComputedStyle(document.querySelector('[data-testid="${testId}"]')).fontWeight`,
      );
    expect(await weightOf("layer-info")).toBe(await weightOf("backbone-info"));
    expect(await page.getByLabel("Head type").inputValue()).toBe("logistic");
    expect(await page.locator('select[name="head-type"] option[value="finetune"]').count()).toBe(0);
    await page.getByLabel("Layer").selectOption("pooled");
    await page.getByRole("button", { name: "Create adapter" }).click();
    for (const label of ["red", "green", "blue"]) {
      await page.getByLabel("New label").fill(label);
      await page.getByRole("button", { name: "Add label" }).click();
    }
    await until(() => page.getByTestId("few-samples").textContent()).toContain("red");
    // Picked through the file inputs, the second while the first still uploads: they join, one
    // progress bar and one list of outcomes for both …
    await page.locator('[data-label="red"] input[type=file]').setInputFiles(pictures("red", 5));
    await page.locator('[data-label="green"] input[type=file]').setInputFiles(pictures("green", 5));
    await until(() => page.getByTestId("count-red").textContent()).toBe("5");
    await until(() => page.getByTestId("count-green").textContent()).toBe("5");
    await until(() => page.getByTestId("upload-progress").textContent()).toBe("uploaded 10 of 10");
    // A live region, which a screen reader announces as it moves.
    expect(await page.getByRole("status").filter({ hasText: "uploaded 10 of 10" }).count()).toBe(1);
    expect(await page.locator('[data-testid="upload-outcomes"] tr.added').count()).toBe(10);
    // … and dropped onto a label's box, as a drag from the desktop would.
    await dropFiles('[data-label="blue"]', pictures("blue", 5));
    await until(() => page.getByTestId("count-blue").textContent()).toBe("5");
    // Files dropped beside the boxes are swallowed, not opened by the browser in the console's place.
    expect(
      await page.evaluate<boolean>(`(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(["x"], "beside.png", { type: "image/png" }));
        const drop = new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true });
        document.querySelector("h2").dispatchEvent(drop);
        return drop.defaultPrevented;
      })()`),
    ).toBe(true);
    await until(() => page.getByTestId("upload-progress").textContent()).toBe("uploaded 5 of 5");
    expect(await page.getByTestId("few-samples").count()).toBe(0);
    expect(await page.locator('[data-label="red"] .thumbs img').count()).toBe(5);
    // A red picture sent again into blue's box is a duplicate the API keeps as red: the outcome
    // says so and its preview stays in red's box.
    await page
      .locator('[data-label="blue"] input[type=file]')
      .setInputFiles({ ...picture("red", 0), name: "again.png" });
    await until(() => page.getByTestId("upload-progress").textContent()).toBe("uploaded 1 of 1");
    expect(
      await page.locator('[data-testid="upload-outcomes"] tr.duplicate').textContent(),
    ).toContain("already stored as “red”");
    expect(await page.locator('[data-label="blue"] .thumbs li').count()).toBe(5);
    expect(await page.locator('[data-label="red"] .thumbs li').count()).toBe(5);
    // A label's delete buttons are one tab stop; the arrows move along them.
    expect(
      await page.locator('[data-label="red"] button.delete-sample[tabindex="0"]').count(),
    ).toBe(1);
    await page.locator('[data-label="red"] button.delete-sample').first().focus();
    await page.keyboard.press("ArrowRight");
    expect(await activeLabel()).toMatch(/^delete red sample 2/);
    await shot("2-samples");
    // A fresh page knows the samples too: listed by the API, previews from their raw uploads. A
    // reload comes back to the same adapter and tab (the location's hash says which); while the
    // adapters are listed (held back here), it says so rather than "No adapters yet".
    await page.route(
      (url) => url.pathname === "/v1/adapters",
      async (route) => {
        await new Promise((resume) => setTimeout(resume, 1000));
        await route.continue();
      },
      { times: 1 },
    );
    // Their raw uploads, held back too: placeholders meanwhile, not the samples' ids. (Held back
    // while `holdRaw` says so: a route with `times` aborts requests it lets through.)
    let holdRaw = true;
    await page.route(
      (url) => url.pathname.endsWith("/raw"),
      async (route) => {
        if (holdRaw) await new Promise((resume) => setTimeout(resume, 1500));
        await route.continue();
      },
    );
    // The samples' list, held back too: said to be listed, with no "too few samples" meanwhile.
    let holdList = true;
    const sampleList = (url: URL) => url.pathname.endsWith("/samples");
    await page.route(sampleList, async (route) => {
      if (holdList) await new Promise((resume) => setTimeout(resume, 1000));
      await route.continue();
    });
    await page.reload();
    await page.getByText("Loading…").waitFor();
    await page.getByText("Listing the samples…").waitFor();
    expect(await page.getByTestId("few-samples").count()).toBe(0);
    holdList = false;
    await page.unroute(sampleList);
    await page.locator('[data-label="blue"] .thumbs .pending').first().waitFor();
    expect(await page.locator(".thumbs li > span:not(.pending)").count()).toBe(0);
    expect(await page.getByText("No adapters yet").count()).toBe(0);
    await until(() => page.locator('[data-label="blue"] .thumbs img').count()).toBe(5);
    holdRaw = false;
    // Each has a delete button named by its label and place (no file name is known after a reload).
    expect(
      await page.getByRole("button", { name: "delete blue sample 1", exact: true }).count(),
    ).toBe(1);
    const preview = page.locator('[data-label="blue"] .thumbs img').first();
    expect(
      await preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0);

    // The tabs by keyboard: from the open one, the arrow moves to the next and opens it.
    await page.getByRole("tab", { name: "Samples" }).focus();
    await page.keyboard.press("ArrowRight");
    expect(
      await page.getByRole("tab", { name: "Train" }).evaluate((tab) => ({
        selected: tab.getAttribute("aria-selected"),
        focused: tab === tab.ownerDocument.activeElement,
      })),
    ).toEqual({ selected: "true", focused: true });
    // The focus ring, black outside white, shows on the panels, white and the blue tabs alike.
    expect(
      await page.evaluate<string[]>(
        "(({ outlineColor, boxShadow }) => [outlineColor, boxShadow])(getComputedStyle(document.activeElement))",
      ),
    ).toEqual(["rgb(0, 0, 0)", "rgb(255, 255, 255) 0px 0px 0px 2px"]);
    await page.getByRole("button", { name: "Train", exact: true }).click();
    const showReport = page.getByRole("button", { name: "Show the report of version 1" });
    await showReport.waitFor({ timeout: JOB_TIMEOUT });
    await showReport.click();
    await page.getByTestId("report").waitFor();

    const adapter = await currentAdapter("colours");
    const [version] = (await api<{ versions: Version[] }>(`/v1/adapters/${adapter.id}/versions`))
      .versions;
    if (!version) throw new Error("no version after training");
    const { evaluation } = version.report;
    const test = evaluation.metrics;
    expect(await page.getByTestId("accuracy").textContent()).toBe(
      evaluation.accuracy.value.toFixed(3),
    );
    expect(await page.getByTestId("macro-f1").textContent()).toBe(
      evaluation.macroF1.value.toFixed(3),
    );
    const cells = await page
      .locator('[data-testid="confusion-matrix"] .cell')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-count"))));
    expect(cells).toEqual(test.confusionMatrix.matrix.flat());
    const bins = test.expectedCalibrationError.reliability.filter((bin) => bin.count > 0);
    const bars = await page
      .locator('[data-testid="reliability-diagram"] g[data-count]')
      .evaluateAll((nodes) =>
        nodes.map((node) => ({
          count: Number(node.getAttribute("data-count")),
          accuracy: Number(node.getAttribute("data-accuracy")),
        })),
      );
    expect(bars).toEqual(bins.map(({ count, accuracy }) => ({ count, accuracy })));
    expect(await page.getByTestId("ece").textContent()).toBe(
      `ECE ${test.expectedCalibrationError.value.toFixed(3)}`,
    );
    // The diagram says what its bars, dots and diagonal mean, and a screen reader hears it too:
    // the legend is the diagram's description.
    const legend = [
      "bars: observed accuracy per confidence bin",
      "dots: each bin's mean confidence, where its bar would end if calibrated",
      "dashed line: perfect calibration (accuracy = confidence)",
    ];
    expect(await page.getByTestId("reliability-legend").locator("li").allTextContents()).toEqual(
      legend,
    );
    expect(await accessible('[data-testid="reliability-diagram"]')).toEqual({
      role: "image",
      name: `reliability diagram, ECE ${test.expectedCalibrationError.value.toFixed(3)}`,
      description: legend.join(" "),
    });
    // Accuracy is a mean over the repeats, the matrix the first repeat's: the page says so.
    expect(evaluation.protocol).toMatchObject({ kind: "cross-validation", repeats: 3 });
    expect(await page.getByTestId("metrics-basis").textContent()).toContain(
      "means over 3 repeats of 5-fold cross-validation",
    );
    expect(await page.getByTestId("split").textContent()).toContain(
      `${evaluation.protocol.reason}; the served head is trained on all ${version.report.samples.servedHeadTrainedOn} samples`,
    );

    // A cell lists its test samples, with the thumbnails of the files this tab uploaded; the
    // keyboard reaches it (focus, then Enter) as the mouse does.
    const diagonal = test.confusionMatrix.labels.findIndex(
      (_, k) => (test.confusionMatrix.matrix[k]?.[k] ?? 0) > 0,
    );
    const label = test.confusionMatrix.labels[diagonal] as string;
    const cell = page.getByRole("button", {
      name: new RegExp(`^true ${label}, predicted ${label}:`),
    });
    await cell.focus();
    expect(await cell.evaluate((node) => node === node.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await until(() => page.locator('[data-testid="cell-samples"] img').count()).toBe(
      test.confusionMatrix.matrix[diagonal]?.[diagonal],
    );
    expect(await cell.getAttribute("aria-pressed")).toBe("true");
    // The matrix is one tab stop, which the arrows move: End goes to the row's last cell.
    const matrixCells = page.locator('[data-testid="confusion-matrix"] .cell');
    expect(
      await matrixCells.evaluateAll(
        (all) => all.filter((c) => c.getAttribute("tabindex") === "0").length,
      ),
    ).toBe(1);
    await page.keyboard.press("End");
    const last = test.confusionMatrix.labels[test.confusionMatrix.labels.length - 1] as string;
    expect(await activeLabel()).toMatch(new RegExp(`^true ${label}, predicted ${last}:`));
    await shot("3-report");

    // On a phone, the charts are drawn at its width rather than scaled down to it: their text
    // keeps its 12 px, and they fit without scrolling sideways.
    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 844 });
      await expectReadableCharts(["confusion-matrix", "reliability-diagram"]);
    }
    // From 360 px wide up, the page does not scroll sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      360,
    );
    // The per-class table fits, figures and all (their bars left out), and no label is broken.
    const perClass = page.locator("table", { has: page.getByTestId("per-class") });
    const lastColumn = await perClass.locator("th").last().boundingBox();
    expect((lastColumn?.x ?? 0) + (lastColumn?.width ?? 0)).toBeLessThanOrEqual(360);
    const labelHeights = await Promise.all(
      (await perClass.locator(".label-cell").all()).map(
        async (cell) => (await cell.boundingBox())?.height,
      ),
    );
    const lineHeight = (await perClass.locator("th").first().boundingBox())?.height ?? 0;
    for (const height of labelHeights) expect(height).toBeLessThan(lineHeight);
    await shot("3-report-360px");
    // Nor with a long unbroken label (a label box not yet filled) …
    await page.getByRole("tab", { name: "Samples" }).click();
    await page.getByLabel("New label").fill("x".repeat(60));
    await page.getByRole("button", { name: "Add label" }).click();
    const unfilled = page.locator(`[data-label="${"x".repeat(60)}"]`);
    await unfilled.waitFor();
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      360,
    );
    // … which the API knows only once it has samples: this tab keeps it meanwhile, across a
    // reload, and says so; Delete label forgets it.
    await page.reload();
    await unfilled.getByText("No samples yet").waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await unfilled.getByRole("button", { name: /^delete label/ }).click();
    await until(() => unfilled.count()).toBe(0);
    await page.reload();
    await page.locator('[data-label="red"]').waitFor();
    expect(await unfilled.count()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("tries a picture: the label, top-k bars and the version that answered, as the API says", async () => {
    await page.getByRole("tab", { name: "Try it" }).click();
    const query = picture("green", 11);
    await page.locator('input[name="try-image"]').setInputFiles(query);
    await page.getByTestId("prediction").waitFor();
    const adapter = await currentAdapter("colours");
    const form = new FormData();
    form.append("inputs", new Blob([query.buffer], { type: "image/png" }), query.name);
    const expected = await api<{ version: number; predictions: { label: string }[] }>(
      `/v1/adapters/${adapter.id}/predict`,
      { method: "POST", body: form },
    );
    expect(await page.getByTestId("predicted-label").textContent()).toBe(
      expected.predictions[0]?.label,
    );
    expect(await page.getByTestId("answered-by").textContent()).toBe(
      `answered by version ${expected.version}`,
    );
    expect(await page.locator(".topk li").count()).toBe(3);
    await shot("4-try-it");
    // A file the API refuses shows its problem, and no longer the previous picture's answer.
    await page.locator('input[name="try-image"]').setInputFiles({
      name: "broken.png",
      mimeType: "image/png",
      buffer: Buffer.from("not a picture at all"),
    });
    await until(() => page.locator('[role="tabpanel"] .error').textContent()).toContain(
      "unsupported image format",
    );
    expect(await page.getByTestId("prediction").count()).toBe(0);
    // The same file picked twice is sent twice (the input forgets each pick). A file on disk:
    // Chromium fires no change for a second pick of the same path, as for a person's.
    const onDisk = join(await mkdtemp(join(tmpdir(), "console-")), "query.png");
    await writeFile(onDisk, picture("blue", 12).buffer);
    for (let pick = 0; pick < 2; pick++) {
      const sent = page.waitForRequest((request) => request.url().includes("/predict"));
      await page.locator('input[name="try-image"]').setInputFiles(onDisk);
      await sent;
      await page.getByTestId("prediction").waitFor();
    }
  });

  it("trains a second version (an MLP, with its learning curve), then rolls back to the first", async () => {
    await page.getByRole("tab", { name: "Train" }).click();
    await page.getByLabel("Head type").selectOption("mlp");
    // From the keyboard: Train, then Cancel (the next stop) while it runs. The Cancel gone, the
    // focus is on Train, not on a field near it, and Enter there trains again.
    const trainButton = page.getByRole("button", { name: "Train", exact: true });
    await page.getByLabel("Head type").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await activeText()).toBe("Train");
    // (Once the tab has read the adapter's jobs: till then Train does nothing.)
    await until(() => trainButton.isEnabled()).toBe(true);
    await page.keyboard.press("Enter");
    await until(() => page.getByTestId("job-status").textContent()).toMatch(/^running/);
    await cancelFromKeyboardThenRestart(trainButton, "Train");
    // A reload mid-job loses nothing: back on the Train tab, it follows the running job again,
    // riding out a server that does not answer at first (its events refused twice here).
    await until(() => page.getByTestId("job-status").textContent()).toMatch(/^running/);
    await page.route(
      (url) => url.pathname.endsWith("/events"),
      (route) => route.abort("internetdisconnected"),
      { times: 2 },
    );
    await page.reload();
    // Meanwhile the page says that the server does not answer, not a frozen bar alone.
    await page.getByTestId("job-unreachable").waitFor();
    await until(() => page.getByTestId("job-status").textContent()).toMatch(/^(running|succeeded)/);
    await until(() => page.getByTestId("job-unreachable").count()).toBe(0);
    // Cross-validated (15 samples), every round sweeps the candidates again: the curve goes on
    // with each round's, not with the first round's alone.
    const liveRound = () =>
      page.evaluate<number>(
        `Number(document.querySelector('[data-testid="learning-curve"]')?.dataset.round ?? 0)`,
      );
    await until(liveRound).toBeGreaterThan(1);
    const seen = await liveRound();
    await until(liveRound).toBeGreaterThan(seen);
    // While it runs (mid-cross-validation here), the "activate" box says what the training asked, and is not a choice.
    const activateBox = page.getByLabel("make the new version active");
    expect([await activateBox.isChecked(), await activateBox.isDisabled()]).toEqual([true, true]);
    // A screen reader hears the stage and a rounded percentage, not each epoch's message: the
    // full progress is shown, outside the live region.
    expect(await page.getByTestId("job-announcement").textContent()).toMatch(
      /^(running( \S+)? \d+%|succeeded)$/,
    );
    expect(await page.locator('[role="status"] [data-testid="job-status"]').count()).toBe(0);
    expect(await page.locator('[aria-live] [data-testid="job-status"]').count()).toBe(0);
    // The MLP trains in epochs: its validation loss draws a learning curve as it goes, completed
    // from the report once trained (the job's events sample its progress, so they may skip epochs).
    const curvePoints = () => page.locator('[data-testid="learning-curve"] circle').count();
    const showReport = page.getByRole("button", { name: "Show the report of version 2" });
    await showReport.waitFor({ timeout: JOB_TIMEOUT });
    // Once it ended, the form shows the head type chosen before the reload, not the default.
    expect(await page.getByLabel("Head type").inputValue()).toBe("mlp");
    await until(curvePoints).toBeGreaterThan(1);
    await shot("5-learning-curve");
    await page.setViewportSize({ width: 390, height: 844 });
    await expectReadableCharts(["learning-curve"]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await showReport.click();
    const report = page.locator('[data-testid="report"][data-version="2"]');
    await report.waitFor();
    expect(await report.locator('[data-testid="learning-curve"] circle').count()).toBeGreaterThan(
      1,
    );
    expect(await page.getByTestId("active-version").textContent()).toBe("2");
    // The header names the head type of the version that serves, not the adapter's default.
    await until(() => page.getByTestId("active-head-type").textContent()).toBe("mlp");
    await page.getByRole("tab", { name: "Versions" }).click();
    await page
      .locator('[data-testid="versions"] tr[data-version="1"]')
      .getByRole("button", { name: "Activate" })
      .click();
    await until(() => page.getByTestId("active-version").textContent()).toBe("1");
    await until(() => page.getByTestId("active-head-type").textContent()).toBe("logistic");
    const adapter = await currentAdapter("colours");
    expect(adapter.activeVersion).toBe(1);
    await shot("6-versions");
    // A version exports as a file, fetched with the key: the head as JSON here.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "export v1 as JSON" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${adapter.id}-v1-head.json`);
    const exported = JSON.parse(await readFile(await file.path(), "utf8"));
    expect({ version: exported.version, labels: exported.labels }).toEqual({
      version: 1,
      labels: ["blue", "green", "red"],
    });
    // The browser's Back goes to the previous tab, not out of the console.
    await page.goBack();
    await until(() => page.getByRole("tab", { name: "Report" }).getAttribute("aria-selected")).toBe(
      "true",
    );
    // The location names the version the report showed: Back (a reload, a shared link) shows it again.
    await page.locator('[data-testid="report"][data-version="2"]').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/adapters/${adapter.id}/report/2`);
    // Opened afresh without one, the Report tab shows the version that serves (v1 since the
    // rollback), not the newest; while it loads, it says so rather than "No version yet".
    await page.evaluate(`location.replace("#/adapters/${adapter.id}/report")`);
    let holdVersions = true;
    // The list, or the one version the tab reads (GET …/versions/{v}).
    const versionList = (url: URL) => /\/versions(\/\d+)?$/.test(url.pathname);
    await page.route(versionList, async (route) => {
      if (holdVersions) await new Promise((resume) => setTimeout(resume, 1000));
      await route.continue();
    });
    await page.reload();
    await page.locator('[role="tabpanel"]').getByText("Loading…").waitFor();
    expect(await page.getByText("No version yet").count()).toBe(0);
    holdVersions = false;
    await page.unroute(versionList);
    await until(() => page.getByTestId("report").getAttribute("data-version")).toBe("1");

    // A finetune training, not made active. This adapter's few samples leave under 10 of a label
    // for validation: no top is trained, the version is the head a logistic training gives (on
    // every sample), and its report says why.
    // It is started elsewhere (another tab, the API) while this page shows the Train tab: the
    // page's Train meets the API's 409, which it shows, and follows that training instead.
    await page.getByRole("tab", { name: "Train" }).click();
    await page.getByRole("button", { name: "Show the report of version 2" }).waitFor();
    await api(`/v1/adapters/${adapter.id}/train`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ headType: "finetune", activate: false }),
    });
    await page.getByRole("button", { name: "Train", exact: true }).click();
    await until(() => page.locator('[role="tabpanel"] .error').first().textContent()).toContain(
      "409",
    );
    const finetuned = page.getByRole("button", { name: "Show the report of version 3" });
    await finetuned.waitFor({ timeout: JOB_TIMEOUT });
    // Once the followed training (which asked not to activate) ends, the box is this form's again.
    expect([await activateBox.isChecked(), await activateBox.isDisabled()]).toEqual([true, false]);
    await finetuned.click();
    await page.locator('[data-testid="report"][data-version="3"]').waitFor();
    const v3 = (
      await api<{ versions: (Version & { version: number; headType: string })[] }>(
        `/v1/adapters/${adapter.id}/versions`,
      )
    ).versions.find((v) => v.version === 3);
    if (!v3) throw new Error("no version 3 after the finetune training");
    const { servedHeadTrainedOn, afterDedup } = v3.report.samples;
    expect(servedHeadTrainedOn).toBe(afterDedup);
    expect(await page.getByTestId("split").textContent()).toContain(
      `trained on all ${afterDedup} samples`,
    );
    expect(v3.headType).toBe("logistic");
    expect(v3.report.evaluation.protocol.kind).toBe("cross-validation");
    expect(await page.getByTestId("finetune-note").textContent()).toContain(
      "fewer than 10 samples of some label",
    );
    expect(await page.getByTestId("active-version").textContent()).toBe("1");
    // Version 2 activated elsewhere (another tab, the API): the Versions tab lists it active, and
    // the page's header follows.
    await api(`/v1/adapters/${adapter.id}/versions/2/activate`, { method: "POST" });
    await page.getByRole("tab", { name: "Versions" }).click();
    await page.locator('[data-testid="versions"] tr[data-version="3"]').waitFor();
    await until(() => page.getByTestId("active-version").textContent()).toBe("2");
    // (No candidate beating the frozen head leaves a logistic head, which exports.)
    expect(await page.getByRole("button", { name: "export v3 as JSON" }).count()).toBe(
      v3.headType === "finetune" ? 0 : 1,
    );
    await page.getByRole("button", { name: "activate v1" }).click();
    await until(() => page.getByTestId("active-version").textContent()).toBe("1");
    // The Activate gone, the focus stays in its row, on the version's report, named as such; the
    // actions column is named for a screen reader too.
    await until(() => activeLabel()).toBe("v1: report of version 1");
    expect(await page.locator('[data-testid="versions"] th').last().textContent()).toBe("Actions");
  });

  it("shows the API's problem for a file it refuses, per file", async () => {
    await page.getByRole("tab", { name: "Samples" }).click();
    const broken = {
      name: "broken.png",
      mimeType: "image/png",
      buffer: Buffer.from("not a picture at all"),
    };
    await page.locator('[data-label="red"] input[type=file]').setInputFiles([broken]);
    const row = page.locator('[data-testid="upload-outcomes"] tr.refused');
    await row.waitFor();
    const adapter = await currentAdapter("colours");
    const form = new FormData();
    form.append("inputs", new Blob([broken.buffer], { type: "image/png" }), broken.name);
    form.append("labels", "red");
    const problem = await api<{ title: string; detail: string }>(
      `/v1/adapters/${adapter.id}/samples`,
      {
        method: "POST",
        body: form,
      },
    );
    // The API's detail, with the file named where it says "input 0" (the file went alone).
    expect(problem.detail).toMatch(/^input 0\b/);
    const named = problem.detail.replace(/^input 0\b/, `"${broken.name}"`);
    expect(await row.textContent()).toContain(`${problem.title}: ${named}`);
    await shot("7-refused-file");
    // The server gone mid-upload (its uploads cut after the first here; 400 px pictures go one per
    // request): the outcomes say which picture it stored, which request got no answer, and which
    // were not sent, to pick again, beside the "No answer".
    let uploadsAnswered = 1;
    const uploadsCut = (url: URL) => url.pathname.endsWith("/samples");
    await page.route(uploadsCut, (route) =>
      route.request().method() !== "POST" || uploadsAnswered-- > 0
        ? route.continue()
        : route.abort("connectionrefused"),
    );
    await page
      .locator('[data-label="green"] input[type=file]')
      .setInputFiles([30, 31, 32, 33].map((k) => picture("green", k, 400)));
    await until(() => page.locator('[role="tabpanel"] .error').first().textContent()).toContain(
      "could not be reached",
    );
    await page.unroute(uploadsCut);
    const outcomes = page.locator('[data-testid="upload-outcomes"] tbody tr');
    expect(await outcomes.allTextContents()).toEqual([
      expect.stringMatching(/^green-31\.png\s*green\s*added/),
      expect.stringMatching(/sent, no answer: perhaps not stored/),
      expect.stringMatching(/not sent: no answer/),
      expect.stringMatching(/not sent: no answer/),
    ]);
    expect(await page.getByTestId("upload-progress").textContent()).toBe("uploaded 1 of 4");
    // A picture over the API's pixel limit (a photo's size) is scaled down first, and said so:
    // added, not refused; in Try it too.
    await page
      .locator('[data-label="red"] input[type=file]')
      .setInputFiles([picture("red", 20, 1000)]);
    await until(() =>
      page.locator('[data-testid="upload-outcomes"] tr.added').first().textContent(),
    ).toContain("scaled down from 1000×1000");
    await page.getByRole("tab", { name: "Try it" }).click();
    await page.locator('input[name="try-image"]').setInputFiles(picture("green", 21, 1000));
    await until(() => page.getByTestId("scaled-from").textContent()).toContain("1000×1000");
  });

  it("builds a text adapter from a pasted CSV, runs a selection and applies it", async () => {
    // An adapter made elsewhere (another tab, the API) after the list was read: a link to it,
    // pasted into this tab (only the hash changes), opens it. The list is read again for an id it
    // does not know before saying that there is no such adapter.
    await api("/v1/adapters", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "made-elsewhere", backbone: "lexical", headType: "logistic" }),
    });
    // A label of 50 samples shows the first 48, and the rest on request.
    const madeElsewhere = await currentAdapter("made-elsewhere");
    await api(`/v1/adapters/${madeElsewhere.id}/samples`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        samples: Array.from({ length: 50 }, (_, i) => ({ input: `forecast ${i}`, label: "many" })),
      }),
    });
    await page.evaluate(`location.hash = "#/adapters/${madeElsewhere.id}/samples"`);
    await until(() => page.getByRole("heading", { level: 2 }).first().textContent()).toBe(
      "made-elsewhere",
    );
    const many = page.locator('[data-label="many"]');
    const shownTexts = () => many.locator(".sample-text").count();
    await until(shownTexts).toBe(48);
    await many.getByRole("button", { name: "show 2 more of 2 not shown" }).click();
    await until(shownTexts).toBe(50);
    // The button is gone; the focus is on the list, not lost to the page nor on a delete button.
    await until(() =>
      page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? null"),
    ).toBe("many samples");
    // A sample deleted elsewhere (another tab, the API) and then here: gone, as asked, not an error.
    const { items } = await api<{ items: { id: string }[] }>(
      `/v1/adapters/${madeElsewhere.id}/samples?label=many&limit=1`,
    );
    await api(`/v1/adapters/${madeElsewhere.id}/samples/${items[0]?.id}`, { method: "DELETE" });
    await many.getByRole("button", { name: /^delete many sample 1(:|$)/ }).click();
    await until(() => page.getByTestId("count-many").textContent()).toBe("49");
    expect(await shownTexts()).toBe(49);
    expect(await page.locator('[role="tabpanel"] .error').count()).toBe(0);
    // The focus is on the next sample's delete button, so the keyboard deletes several in a row.
    await until(() => activeLabel()).toMatch(/^delete many sample 1(:|$)/);
    await page.keyboard.press("Enter");
    await until(() => page.getByTestId("count-many").textContent()).toBe("48");
    await until(() => activeLabel()).toMatch(/^delete many sample 1(:|$)/);
    await page.getByRole("button", { name: "← Adapters" }).click();
    // A fusion the isolate cannot hold (two MobileNetV2s' wasm heaps) is refused with the API's detail.
    await page.getByLabel("Name", { exact: true }).fill("fused");
    await page.getByLabel("image", { exact: true }).check();
    await page.getByLabel("Backbone").selectOption("mobilenet-v2");
    await page.getByLabel("Fuse with").selectOption("mobilenet-v2-100");
    await page.getByRole("button", { name: "Create adapter" }).click();
    await until(() => page.locator("form .error").textContent()).toContain("fusion too large");
    expect(await page.locator("form .error").textContent()).toContain("wasm heaps");
    // Two text backbones fused in the form: the id names both parts, at their default layers, and
    // no separate layer is sent.
    await page.getByLabel("text", { exact: true }).check();
    await page.getByLabel("Backbone").selectOption("lexical");
    // The other text backbone is offered, and lexical itself at its other layer (not at this one).
    expect(
      await page.evaluate<string[]>(
        `[...document.querySelectorAll('select[name="fuse-with"] option')].map((o) => o.value)`,
      ),
    ).toEqual(["", "use-lite", "lexical"]);
    await page.getByLabel("Fuse with").selectOption("use-lite");
    expect(await page.getByLabel("Layer of use-lite").inputValue()).toBe("sentence");
    await until(() => page.getByTestId("fusion-info").textContent()).toContain("lexical+use-lite:");
    const created = page.waitForRequest(
      (request) =>
        request.method() === "POST" && new URL(request.url()).pathname === "/v1/adapters",
    );
    await page.getByRole("button", { name: "Create adapter" }).click();
    expect((await created).postDataJSON()).toEqual({
      name: "fused",
      backbone: "lexical+use-lite",
      headType: "logistic",
    });
    await until(() => page.getByTestId("adapter-backbone").textContent()).toBe("lexical+use-lite");
    expect(await currentAdapter("fused")).toMatchObject({
      backbone: "lexical+use-lite",
      layer: null,
    });
    await page.getByRole("button", { name: "← Adapters" }).click();
    await page.getByLabel("Name", { exact: true }).fill("topics");
    await page.getByLabel("text", { exact: true }).check();
    await page.getByLabel("Backbone").selectOption("lexical");
    await page.getByRole("button", { name: "Create adapter" }).click();
    // The focus moves to the new adapter's name, not back to the top of the page.
    await until(() =>
      page.evaluate<string | null>("document.activeElement && document.activeElement.textContent"),
    ).toBe("topics");
    // A paste is one format: a JSONL line among CSV rows is refused, named by its line in the
    // box (the header counted), not stored as a text cut at its commas.
    await page
      .getByLabel("Paste CSV rows")
      .fill(`${TOPICS_CSV}\n{"text":"bond yields fell","label":"finance"}`);
    await page.getByRole("button", { name: "Add rows" }).click();
    await until(() => page.locator('[role="tabpanel"] .error').first().textContent()).toContain(
      "line 14: a JSON object among CSV rows",
    );
    await page.getByLabel("Paste CSV rows").fill(TOPICS_CSV);
    await page.getByRole("button", { name: "Add rows" }).click();
    await until(() => page.getByTestId("sample-total").textContent()).toBe(
      "12 samples in 3 labels.",
    );
    await shot("8-text-samples");
    // The same file picked twice is uploaded twice (the input forgets each pick): duplicates here.
    const csv = join(await mkdtemp(join(tmpdir(), "console-")), "topics.csv");
    await writeFile(csv, TOPICS_CSV);
    for (let pick = 0; pick < 2; pick++) {
      const posted = page.waitForRequest(
        (request) => request.method() === "POST" && request.url().endsWith("/samples"),
      );
      await page.locator('input[name="text-file"]').setInputFiles(csv);
      await posted;
      await until(() => page.locator('[data-testid="upload-outcomes"] tr.duplicate').count()).toBe(
        12,
      );
    }
    // A file that is not UTF-8 is refused, not read with U+FFFD into the samples; a label the API
    // would refuse is refused when typed, with the API's reason.
    const latin1 = join(await mkdtemp(join(tmpdir(), "console-")), "latin1.csv");
    await writeFile(latin1, Buffer.from("caf\xe9 au lait recipe,cooking\n", "latin1"));
    await page.locator('input[name="text-file"]').setInputFiles(latin1);
    await until(() => page.locator('[role="tabpanel"] .error').first().textContent()).toContain(
      "latin1.csv is not UTF-8 text",
    );
    await page.getByLabel("New label").fill("green\u202Eneerg");
    await page.getByRole("button", { name: "Add label" }).click();
    await until(() => page.getByTestId("label-problem").textContent()).toContain(
      "U+202E (a bidi control) at position 5",
    );
    expect(await page.locator("[data-label]").count()).toBe(3);
    // Said until the label is typed again.
    await page.getByLabel("New label").fill("");
    expect(await page.getByTestId("label-problem").count()).toBe(0);
    expect(await page.getByTestId("sample-total").textContent()).toBe("12 samples in 3 labels.");
    // Texts typed for a label survive an upload that gets no answer, said as such, and go once
    // sent.
    const sport = page.locator('[data-label="sport"]');
    const lines = "a late goal won the cup\nthe coach resigned after the loss";
    await page.route(
      (url) => url.pathname.endsWith("/samples"),
      (route) => route.abort("internetdisconnected"),
      { times: 1 },
    );
    await sport.getByRole("textbox").fill(lines);
    await sport.getByRole("button", { name: "Add texts" }).click();
    await until(() => page.locator('[role="tabpanel"] .error').first().textContent()).toContain(
      "could not be reached",
    );
    expect(await sport.getByRole("textbox").inputValue()).toBe(lines);
    await sport.getByRole("button", { name: "Add texts" }).click();
    await until(() => page.getByTestId("count-sport").textContent()).toBe("6");
    expect(await sport.getByRole("textbox").inputValue()).toBe("");
    // Pasted rows the API refuses stay in their box, to correct; the rows it took go.
    const long = `the umpire called it out${", and the crowd booed for a long while".repeat(30)}`;
    await page.getByLabel("Paste CSV rows").fill(`"${long}",sport\n"",sport`);
    // The refused batch is sent again a row at a time, to find which: a request each (slowed
    // here), which the progress says as it goes rather than stand at "uploaded 0 of 2".
    const uploads = (url: URL) => url.pathname.endsWith("/samples");
    await page.route(uploads, async (route) => {
      if (route.request().method() === "POST") await new Promise((go) => setTimeout(go, 800));
      await route.continue();
    });
    await page.getByRole("button", { name: "Add rows" }).click();
    await until(() => page.getByTestId("upload-progress").textContent()).toMatch(
      /^uploaded 1 of 2 — the API refused a batch: sending its items one at a time/,
    );
    await until(() => page.getByTestId("upload-progress").textContent()).toBe("uploaded 2 of 2");
    await page.unroute(uploads);
    await until(() => page.getByTestId("count-sport").textContent()).toBe("7");
    await until(() => page.getByLabel("Paste CSV rows").inputValue()).toBe('"",sport');
    // A long text shows two lines of itself, as high as two short ones; its title holds all of it.
    const height = async (text: string) =>
      (await sport.locator(".sample-text").filter({ hasText: text }).boundingBox())?.height ?? 0;
    const oneLine = await height("a late goal won the cup");
    expect(oneLine).toBeGreaterThan(0);
    expect(await height(long)).toBeLessThanOrEqual(2 * oneLine + 1);
    expect(
      await sport.locator(".sample-text").filter({ hasText: long }).getAttribute("title"),
    ).toBe(long);
    // A first version, on the lexical backbone, before the selection moves the adapter off it,
    // with the options the API takes, typed in percent: a share the API would refuse is refused
    // by the form, which sends nothing.
    await page.getByRole("tab", { name: "Train" }).click();
    await page.getByText("Options", { exact: true }).click();
    await page.getByLabel("Test share (%)").fill("60");
    const trainings: string[] = [];
    const countTraining = (request: Request) => {
      if (new URL(request.url()).pathname.endsWith("/train")) trainings.push(request.method());
    };
    page.on("request", countTraining);
    await page.getByRole("button", { name: "Train", exact: true }).click();
    await until(() => page.locator('[role="tabpanel"] .error').first().textContent()).toContain(
      "at most 50",
    );
    expect(trainings).toEqual([]);
    // The field to correct is marked and has the focus.
    const testShare = page.getByLabel("Test share (%)");
    expect(await testShare.getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate<string | null>("document.activeElement?.name ?? null")).toBe(
      "train-test-percent",
    );
    await page.getByLabel("Test share (%)").fill("25");
    await page.getByLabel("Target precision (%)").fill("90");
    await page.getByLabel("weigh labels by their rarity").check();
    await page.getByRole("button", { name: "Train", exact: true }).click();
    await page
      .getByRole("button", { name: "Show the report of version 1" })
      .waitFor({ timeout: JOB_TIMEOUT });
    page.off("request", countTraining);
    expect(trainings).toEqual(["POST"]);
    const { report: optioned } = await api<{ report: OptionedReport }>(
      `/v1/adapters/${(await currentAdapter("topics")).id}/versions/1`,
    );
    expect(optioned.evaluation.protocol).toMatchObject({
      kind: "holdout",
      fractions: { test: 0.25 },
    });
    expect(optioned.abstain?.targetPrecision).toBe(0.9);
    expect(optioned.hyperparameters.fixed).toEqual({ classWeight: "balanced" });
    // Train says when no threshold reached the target (the head then abstains on everything).
    const abstainNote = page.getByTestId("abstain-note");
    if (optioned.abstain?.threshold === null) {
      expect(await abstainNote.textContent()).toContain("abstains on every input");
    } else {
      expect(await abstainNote.count()).toBe(0);
    }
    await page.getByRole("button", { name: "Show the report of version 1" }).click();
    expect(await abstainNote.textContent()).toContain("90.0%");
    expect(await page.getByTestId("split").textContent()).toContain("test 25 %");
    expect(await page.getByTestId("fixed-hyperparameters").textContent()).toBe(
      '{"classWeight":"balanced"}',
    );

    await page.getByRole("tab", { name: "Selection" }).click();
    // No text backbone has a top to unfreeze: the option the API would refuse is not offered.
    expect(await page.getByLabel("frozen vs top unfrozen").count()).toBe(0);
    // A selection is cancelled as a training is, from the keyboard here: it ends "cancelled", the
    // focus goes back to Run selection (not to the folds' field), and Enter there runs it again.
    const runSelection = page.getByRole("button", { name: "Run selection" });
    await page.getByLabel("Folds").focus();
    await page.keyboard.press("Tab");
    expect(await activeText()).toBe("Run selection");
    await until(() => runSelection.isEnabled()).toBe(true);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Cancel" }).waitFor();
    await cancelFromKeyboardThenRestart(runSelection, "Run selection");
    await page.getByTestId("pareto-plot").waitFor({ timeout: JOB_TIMEOUT });
    const adapter = await currentAdapter("topics");
    const [selection] = (
      await api<{
        jobs: {
          report: {
            recommendation: { id: string; backbone: string };
            candidates: { id: string; backbone: string; layer: string; status: string }[];
          } | null;
        }[];
      }>(`/v1/adapters/${adapter.id}/jobs`)
    ).jobs;
    const recommendation = selection?.report?.recommendation;
    if (!recommendation) throw new Error("the selection recommended nothing");
    expect(await page.getByTestId("recommendation").textContent()).toBe(recommendation.id);
    await shot("9-selection");
    // On a phone, the Pareto plot's text keeps its size, and its labels (the ranks) overlap
    // neither each other nor the points: candidates that measure alike (a fusion as its parts,
    // here) share one.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectReadableCharts(["pareto-plot"]);
    await expectParetoLabelsApart();
    // Nor in a crowd: this page's copy of the selection moved to twelve candidates a few pixels
    // apart.
    const jobList = (url: URL) => url.pathname.endsWith("/jobs");
    await page.route(jobList, async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      const selectionJob = json.jobs.find((job: { kind: string }) => job.kind === "selection");
      const [template] = selectionJob.report.candidates;
      selectionJob.report.candidates = Array.from({ length: 12 }, (_, k) => ({
        ...template,
        id: `crowded-${k + 1}`,
        status: "measured",
        rank: k + 1,
        nearTie: k < 3,
        paretoOptimal: k % 4 === 0,
        metrics: {
          ...template.metrics,
          latencyMsPerItem: 5 + 0.1 * k,
          crossValidatedMacroF1: { mean: 0.9 - 0.005 * (k % 4) },
        },
      }));
      await route.fulfill({ response, json });
    });
    await page.getByRole("tab", { name: "Versions" }).click();
    await page.getByRole("tab", { name: "Selection" }).click();
    await until(() => page.locator('[data-testid="pareto-plot"] .point').count()).toBe(12);
    await shot("9-selection-crowded-390px");
    const crowdLabels = await expectParetoLabelsApart();
    // The best rank keeps its label; the table names every candidate.
    expect(crowdLabels).toContain("1");
    await page.unroute(jobList);
    await page.setViewportSize({ width: 1280, height: 900 });
    // The ranking outlives a change of tab (it is the adapter's last selection job).
    await page.getByRole("tab", { name: "Versions" }).click();
    await page.getByRole("tab", { name: "Selection" }).click();
    await until(() => page.getByTestId("recommendation").textContent()).toBe(recommendation.id);
    if (recommendation.id !== `${adapter.backbone}/${adapter.layer}`) {
      await page.getByRole("button", { name: "Apply" }).click();
      await until(() =>
        page.locator('[data-testid="switch-job"] [data-testid="job-status"]').textContent(),
      ).toContain("succeeded");
      expect((await currentAdapter("topics")).backbone).toBe(recommendation.backbone);
    }
    // On the recommendation (applied, or there already), the page offers no Apply, which the API
    // would refuse (409 already-on-backbone), and says why.
    await page.getByTestId("recommendation-current").waitFor();
    expect(await page.getByRole("button", { name: "Apply" }).count()).toBe(0);
    // Or switch to another measured candidate (here a single backbone, not the current one).
    const now = await currentAdapter("topics");
    const other = selection?.report?.candidates.find(
      (c) =>
        c.status === "measured" &&
        !c.backbone.includes("+") &&
        c.id !== `${now.backbone}/${now.layer}`,
    );
    if (!other) throw new Error("no other candidate to switch to");
    // Started and cancelled from the keyboard (Shift+Tab back up to Cancel), the switch gives
    // the focus back to the Switch that started it, where Enter starts it again.
    const switchTo = page.getByRole("button", { name: `switch to ${other.id}`, exact: true });
    await switchTo.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Cancel" }).waitFor();
    for (let stop = 0; stop < 20 && (await activeText()) !== "Cancel"; stop++) {
      await page.keyboard.press("Shift+Tab");
    }
    await page.keyboard.press("Enter");
    await until(() =>
      page.locator('[data-testid="switch-job"] [data-testid="job-status"]').textContent(),
    ).toMatch(/^cancelled/);
    await until(activeLabel).toBe(`switch to ${other.id}`);
    await until(() => switchTo.isEnabled()).toBe(true);
    expect(await activeLabel()).toBe(`switch to ${other.id}`);
    await page.keyboard.press("Enter");
    await until(async () => {
      const switched = await currentAdapter("topics");
      return `${switched.backbone}/${switched.layer}`;
    }).toBe(other.id);
    await until(() => page.locator("p.hint").first().textContent()).toContain(
      `${other.backbone} / ${other.layer}`,
    );
    // Now the current one, it offers no switch to itself.
    expect(
      await page.getByRole("button", { name: `switch to ${other.id}`, exact: true }).count(),
    ).toBe(0);
    // A text version exports its head (ONNX or JSON), not a whole graph: the tokenizer runs outside
    // any, and the API refuses it.
    await page.getByRole("tab", { name: "Versions" }).click();
    await page
      .getByRole("button", { name: /^export v\d+ as head ONNX$/ })
      .first()
      .waitFor();
    expect(await page.getByRole("button", { name: /^export v\d+ as ONNX$/ }).count()).toBe(0);
    // A version trained on another backbone than the adapter's, or another layer of it, offers no
    // Activate, which the API refuses (409) until the adapter is switched back; it says which.
    const adapterNow = await currentAdapter("topics");
    const { versions } = await api<{
      versions: { version: number; binding: { backbone: string; layer: string | null } }[];
    }>(`/v1/adapters/${adapterNow.id}/versions`);
    const elsewhere = versions.filter(
      (v) => v.binding.backbone !== adapterNow.backbone || v.binding.layer !== adapterNow.layer,
    );
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const { version, binding } of elsewhere) {
      const row = page.locator(`[data-testid="versions"] tr[data-version="${version}"]`);
      expect(await row.getByTestId("trained-elsewhere").textContent()).toBe(
        `another ${binding.backbone === adapterNow.backbone ? "layer" : "backbone"}: switch back to activate`,
      );
      expect(await row.getByRole("button", { name: `activate v${version}` }).count()).toBe(0);
    }
    // Back on the Selection tab, once it has read its jobs (the next test revokes the key).
    await page.getByRole("tab", { name: "Selection" }).click();
    await page.getByTestId("selection-report").waitFor();
  });

  it("returns to sign-in, saying why, when the key is revoked, and refuses it there", async () => {
    const tenant = await api<{ id: string }>("/v1/tenant");
    const { keys } = await api<{ keys: { id: string }[] }>(
      `/v1/tenants/${tenant.id}/keys`,
      {},
      ADMIN_TOKEN,
    );
    for (const { id } of keys) {
      await fetch(`${base}/v1/tenants/${tenant.id}/keys/${id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    }
    const refusal = await api<{ title: string; detail: string }>("/v1/tenant");
    await page.getByRole("tab", { name: "Versions" }).click();
    await until(() => page.getByTestId("signed-out-reason").textContent()).toContain(
      `${refusal.title}: ${refusal.detail}`,
    );
    // The credential is gone; what was typed and not yet taken (the refused pasted row) waits for
    // the next sign-in, in this tab only.
    expect(await page.evaluate<string[]>(CREDENTIAL_ITEMS)).toEqual([]);
    expect(await page.evaluate<string[]>(DRAFTS)).toContain('"",sport');
    // Signing in again with it is refused, with the API's words, and nothing is kept.
    await page.getByLabel("Tenant API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await until(() => page.locator("form .error").first().textContent()).toContain(refusal.detail);
    expect(await page.evaluate<string[]>(CREDENTIAL_ITEMS)).toEqual([]);
    await shot("10-signed-out");
  });

  it("serves /docs with Swagger UI from this origin, whose try-it-out calls the API", async () => {
    await page.goto(`${base}/docs`);
    const healthz = page.locator(".opblock", { hasText: "/healthz" }).first();
    await healthz.locator(".opblock-summary").click();
    // tryItOutEnabled: the form is open at once.
    await healthz.getByRole("button", { name: "Execute" }).click();
    await until(() =>
      healthz.locator(".live-responses-table tbody .response-col_status").first().textContent(),
    ).toContain("200");
    await shot("11-docs");
  });

  it("logged no script error and no refused resource along the way", () => {
    expect(problems).toEqual([]);
  });
});

interface Version {
  report: {
    samples: { servedHeadTrainedOn: number; afterDedup: number };
    evaluation: {
      protocol: { reason: string; kind: string; repeats?: number };
      accuracy: { value: number };
      macroF1: { value: number };
      metrics: {
        confusionMatrix: { labels: string[]; matrix: number[][] };
        expectedCalibrationError: {
          value: number;
          reliability: { count: number; accuracy: number }[];
        };
      };
    };
  };
}

/** What the Train form's options put in a report. */
interface OptionedReport {
  evaluation: { protocol: { kind: string; fractions?: { test: number } } };
  abstain: { targetPrecision: number; threshold: number | null } | null;
  hyperparameters: { fixed: Record<string, unknown> };
}

/** The tab's sessionStorage (page code): the items that are not drafts, and the drafts' texts. */
const CREDENTIAL_ITEMS = `Object.keys(sessionStorage).filter((k) => !k.startsWith("edge-adapt:draft:"))`;
const DRAFTS = `Object.keys(sessionStorage).filter((k) => k.startsWith("edge-adapt:draft:")).map((k) => sessionStorage.getItem(k))`;

/** The accessible name the element with the focus was given. */
const activeLabel = () =>
  page.evaluate<string>(`document.activeElement?.getAttribute("aria-label") ?? ""`);

/** The text of the element with the focus. */
const activeText = () =>
  page.evaluate<string | null | undefined>("document.activeElement?.textContent");

/**
 * From the running job's start button: Tab to Cancel and press it; the focus comes back to the
 * start button (named `name`), where Enter starts the work again once the job has ended.
 */
async function cancelFromKeyboardThenRestart(start: Locator, name: string): Promise<void> {
  await page.keyboard.press("Tab");
  expect(await activeText()).toBe("Cancel");
  await page.keyboard.press("Enter");
  await until(() => page.getByTestId("job-status").textContent()).toMatch(/^cancelled/);
  await until(activeText).toBe(name);
  await until(() => start.isEnabled()).toBe(true);
  expect(await activeText()).toBe(name);
  await page.keyboard.press("Enter");
}

/**
 * Each chart named (by test id) is on the page, and every text the page's charts draw is at least
 * 12 px as rendered: its font size times its SVG's scale (a rotated label's too). Those charts fit
 * their boxes: none scrolls sideways.
 */
async function expectReadableCharts(testIds: string[]) {
  for (const id of testIds) await page.getByTestId(id).waitFor();
  const sizes = await page.evaluate<number[]>(`[...document.querySelectorAll("svg.plot text")]
    .map((text) => {
      const { a, b } = text.getScreenCTM();
      // To a hundredth of a pixel: a scale of 1 may come out as 0.9999999999999998.
      return Math.round(parseFloat(getComputedStyle(text).fontSize) * Math.hypot(a, b) * 100) / 100;
    })`);
  expect(sizes.length).toBeGreaterThan(testIds.length);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  for (const id of testIds) {
    expect(
      await page
        .getByTestId(id)
        .evaluate((svg) => svg.parentElement?.scrollWidth === svg.parentElement?.clientWidth),
    ).toBe(true);
  }
}

/**
 * The Pareto plot's labels, checked to overlap neither each other nor any point as drawn (their
 * boxes on the page); their texts.
 */
async function expectParetoLabelsApart(): Promise<string[]> {
  const { labels, points } = await page.evaluate<{ labels: Rect[]; points: Rect[] }>(`(() => {
    const rect = (node) => {
      const { left, top, right, bottom } = node.getBoundingClientRect();
      return { left, top, right, bottom, text: node.textContent };
    };
    const plot = document.querySelector('[data-testid="pareto-plot"]');
    return {
      labels: [...plot.querySelectorAll('[data-testid="pareto-labels"] text')].map(rect),
      points: [...plot.querySelectorAll(".point circle")].map(rect),
    };
  })()`);
  expect(labels.length).toBeGreaterThan(0);
  const apart = (a: Rect, b: Rect) =>
    a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
  for (const [k, label] of labels.entries()) {
    for (const other of labels.slice(k + 1)) expect(apart(label, other), label.text).toBe(true);
    for (const point of points) expect(apart(label, point), label.text).toBe(true);
  }
  return labels.map((label) => label.text);
}

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
  text: string;
}

/** The role, name and description Chromium gives an element for assistive technology. */
async function accessible(selector: string) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    const { nodes } = await cdp.send("Accessibility.getPartialAXTree", {
      nodeId,
      fetchRelatives: false,
    });
    const [node] = nodes;
    return {
      role: node?.role?.value,
      name: node?.name?.value,
      description: node?.description?.value,
    };
  } finally {
    await cdp.detach();
  }
}

async function currentAdapter(name: string) {
  const { adapters } = await api<{
    adapters: {
      id: string;
      name: string;
      backbone: string;
      layer: string | null;
      activeVersion: number | null;
    }[];
  }>("/v1/adapters");
  const adapter = adapters.find((a) => a.name === name);
  if (!adapter) throw new Error(`no adapter ${name}`);
  return adapter;
}

/**
 * A drop of files onto an element, with a DataTransfer built in the page (page code as a string:
 * this file is type-checked without the DOM's types).
 */
async function dropFiles(
  selector: string,
  files: { name: string; mimeType: string; buffer: Buffer }[],
) {
  const encoded = files.map((file) => ({ ...file, buffer: file.buffer.toString("base64") }));
  const dataTransfer = await page.evaluateHandle(`(() => {
    const transfer = new DataTransfer();
    for (const file of ${JSON.stringify(encoded)}) {
      const bytes = Uint8Array.from(atob(file.buffer), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name, { type: file.mimeType }));
    }
    return transfer;
  })()`);
  await page.dispatchEvent(selector, "drop", { dataTransfer });
}

const TOPICS_CSV = `text,label
the striker scored in extra time,sport
the keeper saved a penalty,sport
she won the marathon in record time,sport
"the referee showed a red card, then another",sport
simmer the sauce for ten minutes,cooking
whisk the eggs with a pinch of salt,cooking
bake the bread until golden brown,cooking
chop the onions and fry them in butter,cooking
shares fell after the earnings call,finance
the central bank raised interest rates,finance
bond yields climbed on inflation fears,finance
the company reported record quarterly profit,finance`;
