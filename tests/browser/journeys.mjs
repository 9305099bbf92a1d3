// The journeys of a reader, a commenter and a shopper, in headless Chromium (Debian's
// /usr/bin/chromium), each with JavaScript on and off; axe-core on every page type, logged
// out and logged in, light and dark; screenshots of every page type at 390 and 1280 px.
//
//   node tests/browser/journeys.mjs http://127.0.0.1:PORT
//
// tests/browser/run.sh starts a fresh site and calls this; see README.md, "Browser tests".
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const base = process.argv[2];
if (!base) {
  console.error("usage: node journeys.mjs BASE_URL");
  process.exit(2);
}
const editor = {
  login: process.env.GLOWPRESS_BROWSER_EDITOR ?? "editor",
  password: process.env.GLOWPRESS_BROWSER_EDITOR_PASSWORD ?? "",
};
const shotsDir = process.env.SCREENSHOTS ?? join(here, "screenshots");
mkdirSync(shotsDir, { recursive: true });
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);
const SEED = "/posts/exosome-therapy-skin-rejuvenation";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
// The comment form refuses a form sent back sooner than this after it was shown
// (GLOWPRESS_COMMENT_MIN_SECONDS, the default 3 in run.sh).
const FORM_AGE_MS = 3300;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

let failures = 0;
let unique = Date.now() % 1_000_000;
const nextId = () => `${process.pid}${unique++}`;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function journey(name, js, body) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: PHONE });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && !r.request().isNavigationRequest() && errors.push(`${r.status()} for ${r.url()}`));
  const label = `${name} (JavaScript ${js ? "on" : "off"})`;
  try {
    await body(page, js);
    check(errors.length === 0, `errors in the browser console: ${errors.join(" | ")}`);
    console.log(`ok      ${label}`);
  } catch (e) {
    failures++;
    const shot = join(shotsDir, `FAILED-${name.replace(/\W+/g, "-")}-js-${js ? "on" : "off"}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.log(`FAILED  ${label}: ${e.message}\n        at ${page.url()}\n        screenshot ${shot}`);
  } finally {
    await context.close();
  }
}

async function go(page, path) {
  const response = await page.goto(base + path);
  check(response && response.ok(), `GET ${path}: ${response && response.status()}`);
  return response;
}

/** Clicks what submits a form or follows a link, and waits for the next page to load. */
async function clickAndLoad(page, target) {
  const locator = typeof target === "string" ? page.locator(target).first() : target;
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
}

/** Fills the fields with these ids. */
async function fill(page, fields) {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
}

/** Types `value` into the field by keyboard alone and presses Enter (the form is sent). */
async function typeAndEnter(page, selector, value) {
  await page.focus(selector);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(value);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

/** A shipping address, in two parts: the second is what a refused checkout lacked. */
const CONTACT = () => ({ name: "Ada Shopper", email: `ada${nextId()}@example.com`, address: "1 Rue des Fleurs" });
const TOWN = { postcode: "75001", city: "Paris", country: "France" };

const text = (page, selector) => page.locator(selector).first().innerText();

async function inViewport(page, selector) {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  });
}

async function noSidewaysScroll(page) {
  const [scroll, width] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  check(scroll <= width, `${page.url()} scrolls sideways: ${scroll} px in a ${width} px window`);
}

// --- journeys -------------------------------------------------------------------------

async function readTheSeedArticle(page) {
  await go(page, "/");
  await clickAndLoad(page, page.getByRole("link", { name: /Exosome Therapy/ }).first());
  check(page.url().endsWith(SEED), `the home page's link leads to ${page.url()}`);
  check((await text(page, "h1")).includes("Exosome Therapy"), "the article's title is its h1");
  check((await page.locator("article figure img").count()) > 0, "the article has its figure");
  check(/Photo|Credit|©/i.test(await text(page, "article figcaption")), "the figure has a credit line");
  check((await page.locator(".comment").count()) >= 2, "the seed article shows its comments");
  await noSidewaysScroll(page);
}

/** Clicks "Reply" under the comment with that id; the form follows (JS) or loads (no JS). */
async function replyTo(page, js, commentId) {
  const link = page.locator(`#comment-${commentId} > .comment__body .comment__reply a`);
  if (js) {
    await link.click();
    check(
      (await page.locator(`#comment-${commentId} #respond`).count()) === 1,
      "with JavaScript the reply form moves under the comment",
    );
    check(
      await page.evaluate(() => document.activeElement && document.activeElement.id === "comment"),
      "the comment field has the focus after Reply",
    );
  } else {
    await clickAndLoad(page, link);
    check(page.url().includes(`replytocom=${commentId}`), "Reply loads ?replytocom=ID");
  }
  check((await text(page, "#respond h3")).startsWith("Replying to"), "the form says who is answered");
}

async function guestReplyAwaitingModeration(page, js) {
  await go(page, SEED);
  const parent = await page.locator(".comment--depth-0").first().getAttribute("id");
  const parentId = parent.replace("comment-", "");
  await replyTo(page, js, parentId);
  const words = `A guest asks ${nextId()}: does it sting at first`;
  await fill(page, { comment: words, author: "Mira Guest", email: `mira${nextId()}@example.com` });
  // Sent at once: too fast for the spam rule, refused; it must land at the form, text kept.
  await clickAndLoad(page, "#commentform button[type=submit]");
  check(await page.locator("#respond .form-error").isVisible(), "the refusal shows its message");
  check(await inViewport(page, "#respond .form-error"), "the refusal lands at the form, not the top");
  check((await page.inputValue("#comment")) === words, "the refused comment's text is kept");
  check((await page.inputValue("#author")) === "Mira Guest", "the refused comment's name is kept");
  await page.waitForTimeout(FORM_AGE_MS);
  await clickAndLoad(page, "#commentform button[type=submit]");
  const mine = page.locator(".comment__body", { hasText: words });
  check((await mine.count()) === 1, "the guest's reply shows to its author");
  check(
    (await mine.locator(".comment__pending").innerText()).includes("awaiting moderation"),
    "the guest's reply says it awaits moderation",
  );
  check(
    (await page.locator(`#comment-${parentId} .children .comment__body`, { hasText: words }).count()) === 1,
    "the reply is nested under the comment it answers",
  );
  check(await inViewport(page, ".comment__pending"), "the page opens at the new comment");
}

async function register(page, username, password, again = password) {
  await go(page, "/register");
  await fill(page, { username, email: `${username}@example.com`, password, password_again: again });
  await clickAndLoad(page, "main button[type=submit]");
}

async function logIn(page, login, password) {
  await go(page, "/login");
  await fill(page, { login, password });
  await clickAndLoad(page, "main button[type=submit]");
  check(
    (await page.getByRole("button", { name: "Log out" }).count()) === 1,
    `${login} is logged in (a Log out button in the header)`,
  );
}

async function logOut(page) {
  await clickAndLoad(page, page.getByRole("button", { name: "Log out" }));
  check((await page.getByRole("link", { name: "Log in" }).count()) >= 1, "logged out: Log in shows");
}

async function registerLogInReplyThreeDeep(page, js) {
  const username = `reader${nextId()}`;
  const password = "plum velvet harbour 42";
  // A rejected registration keeps what was typed (but never the password).
  await register(page, username, password, "something else entirely");
  check((await page.locator(".field__error").count()) >= 1, "mismatched passwords are refused");
  check((await page.inputValue("#username")) === username, "the refused form keeps the username");
  const described = await page.locator("[aria-invalid=true]").first().getAttribute("aria-describedby");
  check(described && (await page.locator(`#${described.split(" ")[0]}`).count()) === 1,
    "the error is tied to its field");

  await register(page, username, password);
  await logOut(page);
  await logIn(page, username, password);

  await go(page, SEED);
  const reply = page.locator(".comment--depth-1").first();
  const parentId = (await reply.getAttribute("id")).replace("comment-", "");
  await replyTo(page, js, parentId);
  check(await page.locator("#respond", { hasText: "Logged in as" }).isVisible(), "the form knows the reader");
  const words = `Third level from ${username}.`;
  await page.fill("#comment", words);
  await page.waitForTimeout(FORM_AGE_MS);
  await clickAndLoad(page, "#commentform button[type=submit]");
  const mine = page.locator(`#comment-${parentId} > ol.children > li.comment--depth-2`, { hasText: words });
  check((await mine.count()) === 1, "the reply sits three levels deep, under the reply it answers");
  await logOut(page);
  await go(page, SEED);
}

async function addFromProductPage(page, js = false) {
  await go(page, "/shop");
  await clickAndLoad(page, ".product-card a");
  check(page.url().includes("/shop/"), "a product card leads to its page");
  const name = await text(page, "h1");
  const steppers = page.getByRole("button", { name: `One more ${name}` });
  check((await steppers.count()) === (js ? 1 : 0), "quantity steppers come with JavaScript only");
  if (js) {
    await steppers.click();
    check((await page.locator("main form.add-to-cart input[name=quantity]").inputValue()) === "2", "+ adds one");
  } else {
    await page.locator("main form.add-to-cart input[name=quantity]").fill("2");
  }
  await clickAndLoad(page, "main form.add-to-cart button[type=submit]");
  check((await text(page, ".flash")).length > 0, "adding to the cart says so");
  return name;
}

async function shopAndCheckOut(page, js) {
  const first = await addFromProductPage(page, js);
  await go(page, "/shop");
  const card = page.locator(".product-card", { hasNot: page.getByText(first, { exact: true }) })
    .filter({ has: page.locator("form.add-to-cart") }).first();
  const second = await card.locator("h2, h3").first().innerText();
  await clickAndLoad(page, card.locator("form.add-to-cart button[type=submit]"));
  check(page.url().includes("/shop"), "an add from the shop list comes back to the shop");

  await go(page, "/cart");
  check((await page.locator(".cart-line").count()) === 2, "the cart holds both products");
  const qty = page.locator(".cart-line", { hasText: first }).locator("input[type=number]");
  if (js) await page.getByRole("button", { name: `One more ${first}` }).click();
  else await qty.fill("3");
  check((await qty.inputValue()) === "3", "the quantity field says 3");
  await clickAndLoad(page, page.getByRole("button", { name: "Update cart", exact: true }).last());
  check((await text(page, ".flash")).includes("updated"), "the cart says it was updated");
  check(
    await page.evaluate(() => document.activeElement && document.activeElement.closest(".flash") !== null),
    "after the update the focus is on the message",
  );
  check(
    (await page.locator(".cart-line", { hasText: first }).locator("input[type=number]").inputValue()) === "3",
    "the new quantity is kept",
  );
  await clickAndLoad(page, page.getByRole("button", { name: `Remove ${second} from your cart` }));
  check((await page.locator(".cart-line").count()) === 1, "the removed line is gone");
  await noSidewaysScroll(page);

  await clickAndLoad(page, page.getByRole("link", { name: "Proceed to checkout" }));
  // A rejected checkout keeps what was typed.
  await fill(page, CONTACT());
  await clickAndLoad(page, "form.checkout__form button[type=submit]");
  check((await page.locator(".field__error").count()) >= 1, "missing address fields are refused");
  check((await page.inputValue("#address")) === "1 Rue des Fleurs", "the refused checkout keeps the address");
  await fill(page, TOWN);
  await clickAndLoad(page, "form.checkout__form button[type=submit]");
  check(/\/orders\/[0-9a-f]{16,}$/.test(page.url()), `the order page follows the checkout (${page.url()})`);
  check((await page.locator("main").innerText()).includes(first), "the order lists what was bought");
  await noSidewaysScroll(page);
}

// --- every page type: axe and screenshots -----------------------------------------------

async function axe(page, label) {
  // Evaluated over the DevTools protocol: the site's CSP (script-src 'self') stays on.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    // Every rule, the experimental ones too (label-content-name-mismatch is one of them).
    (await axe.run(document, {
      resultTypes: ["violations"],
      rules: Object.fromEntries(axe.getRules(["experimental"]).map((r) => [r.ruleId, { enabled: true }])),
    })).violations.map((v) => ({
      id: v.id,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary.split("\n").slice(1, 2).join("")}`),
    })),
  );
  for (const v of result) console.log(`        axe ${label}: ${v.id}\n          ${v.nodes.join("\n          ")}`);
  return result.length;
}

/** Page types a visitor sees; `{order}` is filled in once an order exists. */
const PUBLIC_PAGES = [
  ["home", "/"],
  ["article", SEED],
  ["article-replying", `${SEED}?replytocom={comment}#respond`],
  ["category", "/category/treatments"],
  ["tag", "/tag/{tag}"],
  ["search", "/search?q=serum"],
  ["shop", "/shop"],
  ["product", "/shop/hydrating-serum"],
  ["cart", "/cart"],
  ["checkout", "/checkout"],
  ["order", "{order}"],
  ["login", "/login"],
  ["register", "/register"],
  ["forgot-password", "/forgot-password"],
  ["not-found", "/posts/no-such-post"],
];
const READER_PAGES = [["account", "/account"]];
const EDITOR_PAGES = [
  ["admin-dashboard", "/admin"],
  ["admin-posts", "/admin/posts"],
  ["admin-post-editor", "/admin/posts/new"],
  ["admin-comments", "/admin/comments"],
  ["admin-media", "/admin/media"],
  ["admin-products", "/admin/products"],
  ["admin-product-editor", "/admin/products/new"],
  ["admin-orders", "/admin/orders"],
  ["admin-order", "/admin/orders/{order_id}"],
  ["admin-coupons", "/admin/coupons"],
  ["admin-users", "/admin/users"],
  ["admin-settings", "/admin/settings"],
];

async function placeAnOrder(page) {
  await addFromProductPage(page, true);
  await go(page, "/checkout");
  await fill(page, { ...CONTACT(), ...TOWN });
  await clickAndLoad(page, "form.checkout__form button[type=submit]");
  return new URL(page.url()).pathname;
}

async function visitEveryPageType(who, pages, page, stage) {
  let violations = 0;
  for (const [name, template] of pages) {
    const path = template.replace(/\{(\w+)\}/g, (_, key) => stage[key]);
    await go(page, path).catch(async (e) => {
      if (name !== "not-found") throw e;
    });
    // The cart and checkout are shown filled; an empty cart has its own shot.
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [size, viewport] of [["390", PHONE], ["1280", DESKTOP]]) {
        await page.setViewportSize(viewport);
        if (scheme === "light" || size === "390") {
          await page.screenshot({ path: join(shotsDir, `${who}-${name}-${size}${scheme === "dark" ? "-dark" : ""}.png`), fullPage: true });
        }
        violations += await axe(page, `${who} ${name} ${size} px ${scheme}`);
        if (size === "390") await noSidewaysScroll(page);
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
  }
  check(violations === 0, `axe found ${violations} violations (listed above)`);
}

async function everyPageType(page) {
  await go(page, SEED);
  const stage = {
    comment: (await page.locator(".comment--depth-0").first().getAttribute("id")).replace("comment-", ""),
    tag: new URL(await page.locator("a[href^='/tag/']").first().getAttribute("href"), base).pathname.split("/")[2],
  };
  stage.order = await placeAnOrder(page);
  await addFromProductPage(page, true);
  await visitEveryPageType("visitor", PUBLIC_PAGES, page, stage);

  await logIn(page, editor.login, editor.password);
  await go(page, "/admin/orders");
  stage.order_id = (await page.locator("a[href^='/admin/orders/']").first().getAttribute("href")).split("/")[3];
  await visitEveryPageType("editor", [...PUBLIC_PAGES.filter(([n]) => !["login", "register", "forgot-password", "order"].includes(n)), ...READER_PAGES, ...EDITOR_PAGES], page, stage);
}

async function keyboardOnly(page) {
  await go(page, SEED);
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute("href")]);
  check(first[1] === "#main", `the first Tab reaches the skip link (got ${first.join(" ")})`);
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  });
  check(outline, "the focused link shows a visible outline");
  await page.keyboard.press("Enter");
  // Tab to the first Reply link and press Enter: the form follows and takes the focus.
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    const isReply = await page.evaluate(() => document.activeElement.closest(".comment__reply") !== null);
    if (isReply) break;
  }
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "comment");
  // The cart by keyboard: a product's quantity and Add to cart.
  await go(page, "/shop/hydrating-serum");
  await typeAndEnter(page, "main form.add-to-cart input[name=quantity]", "2");
  check((await text(page, ".mini-cart, .site-header")).includes("2"), "the add by Enter shows in the mini-cart");
  // The cart by keyboard: a new quantity and Enter updates it; the focus is on the notice.
  await go(page, "/cart");
  await typeAndEnter(page, ".cart-line input[type=number]", "1");
  check((await text(page, ".flash")).includes("updated"), "Enter in a quantity field updates the cart");
  check(await page.evaluate(() => document.activeElement.id === "notice"), "the focus is on the notice");
}

async function zoomed(page) {
  // 200 % zoom on a 1280 px screen is a 640 px layout viewport at twice the pixels.
  await page.setViewportSize({ width: 640, height: 450 });
  for (const path of ["/", SEED, "/shop", "/cart", "/login"]) {
    await go(page, path);
    await noSidewaysScroll(page);
  }
}

/** The look, measured: the article's measure, the phone header, stock in one place on
 * the phone's product cards, and the print style. */
async function theLook(page) {
  await page.setViewportSize(DESKTOP);
  await go(page, SEED);
  const perLine = await page.evaluate(() => {
    const counts = [];
    for (const p of document.querySelectorAll(".prose > p")) {
      if (p.textContent.length < 300) continue;
      const range = document.createRange();
      range.selectNodeContents(p);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      counts.push(p.textContent.length / tops.size);
    }
    return counts.reduce((a, b) => a + b, 0) / counts.length;
  });
  console.log(`        measure: ${perLine.toFixed(1)} characters a line of the article at 1280 px`);
  check(perLine >= 60 && perLine <= 75, `the article's measure is 60-75 characters a line (${perLine.toFixed(1)})`);

  await page.setViewportSize(PHONE);
  for (const [who, most] of [["visitor", 170], ["reader", 210]]) {
    if (who === "reader") await logIn(page, editor.login, editor.password);
    await go(page, SEED);
    const height = await page.locator(".site-header").evaluate((h) => h.getBoundingClientRect().height);
    console.log(`        phone header of a ${who}: ${height.toFixed(0)} px`);
    check(height <= most, `the phone header of a ${who} is at most ${most} px (${height})`);
    const cut = await page.evaluate(() => {
      const menu = document.querySelector("nav[aria-label=Main] ul");
      return menu.lastElementChild.getBoundingClientRect().right - menu.getBoundingClientRect().right;
    });
    check(cut <= 0, `the menu's last item is not cut off on a phone (${cut.toFixed(1)} px past the edge)`);
  }
  await logOut(page);

  // The header is read by Tab in the order it is seen: row by row, left to right.
  for (const viewport of [PHONE, DESKTOP]) {
    await page.setViewportSize(viewport);
    await go(page, "/");
    await page.keyboard.press("Tab"); // the skip link
    const seen = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      const at = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el.closest(".site-header")) return null;
        const r = el.getBoundingClientRect();
        return { what: (el.textContent || el.placeholder || el.name).trim().slice(0, 20), top: r.top, left: r.left, bottom: r.bottom };
      });
      if (!at) break;
      seen.push(at);
    }
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      const sameRow = b.top < a.bottom && a.top < b.bottom;
      check(sameRow ? b.left > a.left : b.top >= a.bottom - 1,
        `at ${viewport.width} px Tab goes from "${a.what}" to "${b.what}", against the reading order`);
    }
  }
  await page.setViewportSize(PHONE);

  await go(page, "/shop");
  const rows = await page.locator(".product-card").evaluateAll((cards) => {
    const byRow = {};
    for (const card of cards) {
      const stock = card.querySelector(".stock");
      if (!stock) continue;
      const row = Math.round(card.getBoundingClientRect().top);
      (byRow[row] ??= []).push(Math.round(stock.getBoundingClientRect().top));
    }
    return Object.values(byRow);
  });
  check(rows.every((tops) => new Set(tops).size === 1), `stock sits at one height in each row of cards (${JSON.stringify(rows)})`);

  await go(page, SEED);
  await page.emulateMedia({ media: "print" });
  const hidden = await page.evaluate(() =>
    [".site-header", ".respond", ".site-footer"].map((s) => getComputedStyle(document.querySelector(s)).display));
  check(hidden.every((d) => d === "none"), `print hides the header, the form and the footer (${hidden})`);
  await page.pdf({ path: join(shotsDir, "article-print.pdf") });
  await page.emulateMedia({ media: "screen" });
}

// --- run --------------------------------------------------------------------------------

/** The demo has no comments: the editor starts a thread on the seed article (approved at
 * once, as an editor's are), a comment and a reply to it, for the journeys to answer. */
async function editorStartsAThread(page) {
  await logIn(page, editor.login, editor.password);
  let parent = null;
  for (const words of ["Welcome! Ask us anything about exosomes here.", "And tell us how your skin felt a week later."]) {
    await go(page, parent ? `${SEED}?replytocom=${parent}#respond` : SEED);
    await page.fill("#comment", words);
    await page.waitForTimeout(FORM_AGE_MS);
    await clickAndLoad(page, "#commentform button[type=submit]");
    const id = new URL(page.url()).hash.replace("#comment-", "");
    check(/^\d+$/.test(id), `the editor's comment is shown at its place (${page.url()})`);
    check((await page.locator(`#comment-${id} .comment__pending`).count()) === 0, "an editor's comment is approved");
    parent = id;
  }
  await logOut(page);
}

await journey("an editor starts a thread on the seed article", false, editorStartsAThread);
for (const js of [true, false]) {
  await journey("read the seed article", js, readTheSeedArticle);
  await journey("guest reply awaiting moderation", js, guestReplyAwaitingModeration);
  await journey("register, log in, reply three levels deep, log out", js, registerLogInReplyThreeDeep);
  await journey("shop: add, change, remove, check out, see the order", js, shopAndCheckOut);
}
await journey("keyboard only: skip link, focus, reply, add to cart", true, keyboardOnly);
await journey("200 % zoom", true, zoomed);
await journey("the look: measure, phone header, product cards, print", true, theLook);
await journey("every page type: axe-core, screenshots", true, everyPageType);
await browser.close();
console.log(failures === 0 ? "browser tests: all passed" : `browser tests: ${failures} failed`);
console.log(`screenshots: ${shotsDir}`);
process.exit(failures === 0 ? 0 : 1);
