/*
 * The widgets: the store (xProductBrowser), the categories (xCategoriesV2), the search box
 * (xSearch) and every .ec-cart-widget on the page, which shows "Bag (N)" and opens the bag.
 */

function renderStore() {
  if (!state.ready) {
    return el("div", { "class": "ec-store ec-store--loading" }, ["Loading the store\u2026"]);
  }
  var header = el("div", { "class": "ec-store__header" }, [
    el("nav", { "class": "ec-store__nav", "aria-label": "Store" }, [
      pageLink("All products", { type: "CATEGORY", categoryId: 0 }),
      pageLink("My account", { type: "ACCOUNT_SETTINGS" }),
      bagLink("ec-store__cart")
    ]),
    el("div", { "class": "ec-store__account" }, accountLinks())
  ]);
  var body = el("div", { "class": "ec-store__page" }, PAGES[state.page.type](state.page));
  var footer = el("p", { "class": "ec-store__demo" }, [
    "Demo store: the products and prices are examples."
  ]);
  return el("div", { "class": "ec-store" }, [header, body, footer]);
}

function renderCategories() {
  return el("ul", { "class": "ec-categories" }, CATEGORIES.map(function (category) {
    return el("li", {}, [pageLink(category.name, categoryPage(category))]);
  }));
}

function renderSearch() {
  var input = el("input", {
    type: "search",
    name: "keyword",
    placeholder: "Search products",
    "aria-label": "Search products"
  }, []);
  var form = el("form", { "class": "ec-search", role: "search" }, [
    input,
    el("button", { type: "submit", "class": "ec-button" }, ["Search"])
  ]);
  form.addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    go({ type: "SEARCH", keywords: input.value });
  });
  return form;
}

function renderCart() {
  return bagLink("ec-cart-widget__link");
}

var RENDERERS = {
  store: renderStore,
  categories: renderCategories,
  search: renderSearch,
  cart: renderCart
};

function render(widget) {
  widget.element.replaceChildren(RENDERERS[widget.kind]());
}

// Search and category widgets keep what the shopper typed: only the rest is redrawn.
function renderAll() {
  widgets.forEach(function (widget) {
    if (widget.kind !== "search" && widget.kind !== "categories") {
      render(widget);
    }
  });
}

function widgetOptions(args) {
  var options = {};
  Array.prototype.forEach.call(args, function (argument) {
    var text = String(argument);
    var equals = text.indexOf("=");
    if (equals > 0) {
      options[text.slice(0, equals)] = text.slice(equals + 1);
    }
  });
  return options;
}

function initialPage(options) {
  if (options.defaultProductId) {
    return { type: "PRODUCT", productId: Number(options.defaultProductId) };
  }
  return { type: "CATEGORY", categoryId: Number(options.defaultCategoryId) || 0 };
}

function addWidget(kind, args) {
  var options = widgetOptions(args);
  function place() {
    var element = options.id && document.getElementById(options.id);
    if (!element) {
      return false;
    }
    var widget = { kind: kind, element: element };
    widgets.push(widget);
    if (kind === "store" && !state.page) {
      state.home = initialPage(options);
      openPage(pageAt(window.location) || state.home);
    }
    render(widget);
    return true;
  }
  if (!place() && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", place);
  }
}

function findCartWidgets() {
  var found = document.querySelectorAll(".ec-cart-widget");
  Array.prototype.forEach.call(found, function (element) {
    if (!element.hasAttribute("data-ec-rendered")) {
      element.setAttribute("data-ec-rendered", "");
      widgets.push({ kind: "cart", element: element });
    }
  });
}

function init() {
  findCartWidgets();
  renderAll();
}
