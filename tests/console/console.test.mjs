// The console in a real browser (Debian's Chromium through playwright-core) against a running
// local stack. The cfm-e2e test `console` starts the stack, makes one create-origin fail
// (an injected task failure), and runs this with:
//   CFM_API_URL, CFM_TOKEN, CFM_FAILED_EXECUTION, CFM_SCREENSHOTS, CFM_CHROMIUM.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const {
  CFM_API_URL: api, CFM_TOKEN: token, CFM_FAILED_EXECUTION: failed, CFM_DISTRIBUTION: distribution,
  CFM_SCREENSHOTS: shots, CFM_CHROMIUM: executablePath,
} = process.env;
let browser, page;

before(async () => {
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(30_000);
});

after(async () => { await browser?.close(); });

async function shot(name) { await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true }); }

test("a workflow started now shows in the list, and its graph reaches its final state", async () => {
  const bucket = `console-${Date.now().toString(36)}`;
  const started = await fetch(`${api}/origins`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "from the browser test", bucketName: bucket, region: "eu-west-1" }),
  });
  assert.equal(started.status, 202);
  const { executionId } = await started.json();

  await page.goto(`${api}/console#token=${encodeURIComponent(token)}`);
  const row = page.locator(`tr[data-execution="${executionId}"]`);
  await row.waitFor();
  await shot("executions");
  await row.locator(`a[href^="#/executions/"]`).click();
  // Auto-refresh carries the graph to the end.
  await page.locator('g.node[data-state="OriginReady"][data-status="succeeded"]').waitFor();
  for (const state of ["ValidateOrigin", "CreateBucket", "ConfigureBucket", "CreateOac", "FinalizeOrigin"]) {
    assert.equal(await page.locator(`g.node[data-state="${state}"]`).getAttribute("data-status"), "succeeded", state);
  }
  assert.equal(await page.locator('g.node[data-state="CompensateOrigin"]').getAttribute("data-status"), "not-reached");
  assert.equal(await page.locator("tr[data-step]").count(), 7, "every step in the timeline");
  await shot("execution-succeeded");

  // The resource it made: record, history.
  await page.locator('a[href^="#/resources/origins/"]').first().click();
  await page.locator("text=OriginCreated").waitFor();
  assert.match(await page.locator("pre").first().textContent(), new RegExp(bucket));
  await shot("origin");
});

test("a failed execution shows the state that failed, the compensation and the cause", async () => {
  await page.goto(`${api}/console#/executions/${encodeURIComponent(failed)}`);
  await page.locator("#failure").waitFor();
  assert.equal(await page.locator('g.node[data-state="ConfigureBucket"]').getAttribute("data-status"), "caught");
  assert.equal(await page.locator('g.node[data-state="CompensateOrigin"]').getAttribute("data-status"), "succeeded");
  assert.equal(await page.locator('g.node[data-state="OriginCreateFailed"]').getAttribute("data-status"), "failed");
  assert.equal(await page.locator('g.node[data-state="CreateOac"]').getAttribute("data-status"), "not-reached");
  const cause = await page.locator('tr[data-step="ConfigureBucket"]').textContent();
  assert.match(cause, /cfm\./, "the step names its error");
  assert.match(await page.locator("#failure").textContent(), /cfm\./);
  await shot("execution-failed");
});

test("the list filters by status", async () => {
  await page.goto(`${api}/console#/executions?status=FAILED`);
  await page.locator(`tr[data-execution="${failed}"]`).waitFor();
  const statuses = await page.locator("tr[data-execution] .status").allTextContents();
  assert.ok(statuses.length >= 1 && statuses.every((s) => s === "FAILED"), statuses.join());
  await shot("executions-failed");
});

test("the fleet page counts the distributions, origins and certificates", async () => {
  await page.goto(`${api}/console#/fleet`);
  const total = page.locator('tr[data-count="distributions.total"] td').nth(2);
  await total.waitFor();
  assert.ok(Number(await total.textContent()) >= 1, "the measured distribution at least");
  assert.ok(Number(await page.locator('tr[data-count="origins by status.ACTIVE"] td').nth(2).textContent()) >= 1);
  await page.locator('tr[data-count="certificates.expiringSoon"]').waitFor();
  await shot("fleet");
});

test("a distribution shows its CloudFront metrics, with a trend line for each measured one", async () => {
  await page.goto(`${api}/console#/resources/distributions/${encodeURIComponent(distribution)}`);
  const requests = page.locator('tr[data-metric="requests"]');
  await requests.waitFor();
  assert.doesNotMatch(await page.locator("#main").textContent(), /object HTML/, "every section is drawn, none printed as text");
  const cells = await requests.locator("td").allTextContents();
  assert.deepEqual(cells.slice(0, 3), ["requests", "100", "sum"], cells.join("|"));
  assert.match(await requests.locator("svg.sparkline polyline").getAttribute("points"), /^[\d.]+,[\d.]+ [\d.]+,[\d.]+$/);
  assert.match(await page.locator('tr[data-metric="cacheHitRate"]').textContent(), /no data/, "nothing written, nothing drawn");
  await shot("distribution");
});
