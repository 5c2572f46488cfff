/*
 * Store pages, and clean store URLs as Ecwid reads them before script.js: with
 * ec.config.storefrontUrls.cleanUrls and ec.config.baseUrl, each store page has a path below the
 * base (/store/Coffee, /store/House-Blend-250-g, /store/cart; with "-c11" / "-p101" endings
 * unless slugsWithoutIds), categories and products are links to those paths, a click moves the
 * address bar with the History API, and the store opens the page its address names when it loads
 * (deep links, reloads) and when the shopper goes back or forward.
 */

function openPage(page) {
  state.page = page;
  if (!state.ready) {
    return;
  }
  pageLoad.fire(copy(page));
  renderAll();
  pageLoaded.fire(copy(page));
}

function openNamedPage(name, params) {
  var options = params || {};
  var pages = {
    category: { type: "CATEGORY", categoryId: Number(options.id) || 0 },
    product: { type: "PRODUCT", productId: Number(options.id) },
    search: { type: "SEARCH", keywords: String(options.keyword || "") },
    cart: { type: "CART" },
    signin: { type: "SIGN_IN" },
    account: { type: "ACCOUNT_SETTINGS" },
    "account/settings": { type: "ACCOUNT_SETTINGS" }
  };
  if (Object.prototype.hasOwnProperty.call(pages, name)) {
    go(pages[name]);
  }
}

// A move the shopper (or the site, through Ecwid.openPage) makes. With clean URLs the address
// bar follows; a page without the store widget sends the browser to the store page instead.
function go(page) {
  if (page.type === "ACCOUNT_SETTINGS" && !state.customer) {
    signIn();
    return;
  }
  if (urls.clean) {
    var path = pagePath(page);
    if (!hasStore()) {
      window.location.assign(path);
      return;
    }
    if (path !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", path);
    }
  }
  openPage(page);
}

function hasStore() {
  return widgets.some(function (widget) {
    return widget.kind === "store";
  });
}

function words(entity) {
  return entity.name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function slug(entity, letter) {
  return urls.withoutIds ? words(entity) : words(entity) + "-" + letter + entity.id;
}

function pagePath(page) {
  var category = findBy(CATEGORIES, "id", page.categoryId);
  var product = findBy(PRODUCTS, "id", page.productId);
  var paths = {
    CATEGORY: category ? slug(category, "c") : "",
    PRODUCT: product ? slug(product, "p") : "",
    SEARCH: "search?keyword=" + encodeURIComponent(page.keywords || ""),
    CART: "cart",
    SIGN_IN: "signin",
    ACCOUNT_SETTINGS: "account"
  };
  return urls.base + paths[page.type];
}

// The page an address names, or null for the base itself and for addresses outside it.
// Slugs with and without their id endings both lead to their page.
function pageAt(location) {
  var path = location.pathname;
  if (!urls.clean || (path + "/").indexOf(urls.base) !== 0) {
    return null;
  }
  var rest = path.slice(urls.base.length).replace(/\/+$/, "");
  var fixed = { cart: "CART", signin: "SIGN_IN", account: "ACCOUNT_SETTINGS" };
  if (rest === "search") {
    var keyword = new URLSearchParams(location.search).get("keyword");
    return { type: "SEARCH", keywords: keyword || "" };
  }
  if (Object.prototype.hasOwnProperty.call(fixed, rest)) {
    return { type: fixed[rest] };
  }
  function named(entity, letter) {
    return rest === words(entity) || rest === words(entity) + "-" + letter + entity.id;
  }
  var category = CATEGORIES.filter(function (item) {
    return named(item, "c");
  })[0];
  if (category) {
    return { type: "CATEGORY", categoryId: category.id, name: category.name };
  }
  var product = PRODUCTS.filter(function (item) {
    return named(item, "p");
  })[0];
  return product ? { type: "PRODUCT", productId: product.id, name: product.name } : null;
}

window.addEventListener("popstate", function () {
  if (urls.clean && hasStore() && state.home) {
    openPage(pageAt(window.location) || state.home);
  }
});
