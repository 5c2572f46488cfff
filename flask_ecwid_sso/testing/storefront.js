/*
 * FakeEcwid's storefront: a small stand-in for Ecwid's script.js, for tests and the offline demo.
 *
 * It behaves like Ecwid's where flask-ecwid-sso touches it: the global Ecwid API (OnAPILoaded,
 * OnSetProfile, OnPageLoad, OnPageLoaded, setSsoProfile, setSignInUrls, setSignInProvider,
 * Customer.get, getOwnerId, openPage, init), the widgets xProductBrowser, xCategoriesV2 and
 * xSearch, and the .ec-cart-widget cart icon. Load it as script.js?STORE_ID&...: the store id is
 * the first query token, and the fake's other endpoints are found next to the script, so the fake
 * may be mounted under any prefix.
 *
 * SSO as Ecwid documents it: the store is in SSO mode when window.ecwid_sso_profile is defined
 * (even as '') when the storefront loads, and reads it once then; only in SSO mode do
 * setSsoProfile, setSignInUrls and setSignInProvider do anything. Every payload ('' included)
 * goes to the fake (POST storefront/sso), which judges it and answers with the customer signed
 * in, or none; the store shows that answer.
 *
 * Clean store URLs as Ecwid reads them before script.js: with ec.config.storefrontUrls.cleanUrls
 * and ec.config.baseUrl, each store page has a path below the base (/store/Coffee,
 * /store/House-Blend-250-g, /store/cart; with "-c11" / "-p101" endings unless slugsWithoutIds),
 * categories and products are links to those paths, a click moves the address bar with the
 * History API, and the store opens the page its address names when it loads (deep links,
 * reloads) and when the shopper goes back or forward.
 */
(function () {
  "use strict";

  if (window.Ecwid && window.Ecwid.OnAPILoaded) {
    return;
  }

  function ownSrc() {
    if (document.currentScript && document.currentScript.src) {
      return document.currentScript.src;
    }
    var scripts = document.querySelectorAll('script[src*="script.js"]');
    return scripts.length ? scripts[scripts.length - 1].src : window.location.href;
  }

  var scriptSrc = ownSrc();
  var storeId = parseInt((scriptSrc.split("?")[1] || "").split("&")[0], 10);
  var ssoUrl = new URL("storefront/sso", scriptSrc).toString();
  var urls = (function () {
    var config = (window.ec && window.ec.config) || {};
    var storefront = config.storefrontUrls || {};
    var base = config.baseUrl;
    var clean = storefront.cleanUrls === true && typeof base === "string" && base.charAt(0) === "/";
    return {
      clean: clean,
      withoutIds: storefront.slugsWithoutIds === true,
      base: clean ? base.replace(/\/*$/, "/") : null
    };
  })();

  var CATEGORIES = [
    { id: 11, name: "Coffee" },
    { id: 12, name: "Tea" },
    { id: 13, name: "Mugs" }
  ];
  var PRODUCTS = [
    { id: 101, categoryId: 11, name: "House Blend, 250 g", price: 9.5,
      description: "Chocolate and hazelnut, roasted medium." },
    { id: 102, categoryId: 11, name: "Ethiopia Yirgacheffe, 250 g", price: 12.9,
      description: "Bright, floral, with a lemon finish." },
    { id: 103, categoryId: 12, name: "Darjeeling First Flush, 100 g", price: 8.75,
      description: "Light and muscatel, from the spring picking." },
    { id: 104, categoryId: 12, name: "Sencha, 100 g", price: 7.2,
      description: "Grassy Japanese green tea." },
    { id: 105, categoryId: 13, name: "Stoneware Mug", price: 14,
      description: "Holds 350 ml; dishwasher safe." },
    { id: 106, categoryId: 13, name: "Travel Mug", price: 19.9,
      description: "Keeps coffee hot for four hours." }
  ];

  var STYLE = {
    store: "font: 15px/1.45 system-ui, sans-serif; color: #222; border: 1px solid #ddd;" +
      " border-radius: 8px; background: #fff; max-width: 860px;",
    header: "display: flex; flex-wrap: wrap; gap: 12px; align-items: center;" +
      " justify-content: space-between; padding: 10px 16px; border-bottom: 1px solid #eee;" +
      " background: #fafafa; border-radius: 8px 8px 0 0;",
    nav: "display: flex; gap: 14px;",
    body: "padding: 16px;",
    grid: "display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px;",
    card: "border: 1px solid #eee; border-radius: 6px; padding: 12px;",
    price: "font-weight: 600; margin: 6px 0;",
    button: "font: inherit; padding: 4px 12px; border: 1px solid #2b6cb0; border-radius: 4px;" +
      " background: #2b6cb0; color: #fff; cursor: pointer;",
    link: "color: #2b6cb0;",
    muted: "color: #666;",
    list: "list-style: none; padding: 0; margin: 0; display: flex; gap: 12px; flex-wrap: wrap;"
  };

  var state = {
    ready: false,
    ssoMode: false,
    customer: null,
    signInUrl: null,
    signOutUrl: null,
    provider: null,
    page: null,
    home: null,
    cart: [],
    checks: 0
  };
  var widgets = [];
  var afterLoad = [];

  // A handler's error must not stop the others, nor the store: report it and go on.
  function call(handler, value) {
    try {
      handler(value);
    } catch (error) {
      window.setTimeout(function () {
        throw error;
      }, 0);
    }
  }

  function event() {
    var handlers = [];
    return {
      add: function (handler) {
        if (typeof handler === "function") {
          handlers.push(handler);
        }
      },
      fire: function (value) {
        handlers.slice().forEach(function (handler) {
          call(handler, value);
        });
      }
    };
  }

  var apiLoaded = event();
  var profileSet = event();
  var pageLoad = event();
  var pageLoaded = event();

  function whenLoaded(callback) {
    if (state.ready) {
      callback();
    } else {
      afterLoad.push(callback);
    }
  }

  function copy(value) {
    return value === null || value === undefined ? null : JSON.parse(JSON.stringify(value));
  }

  function truthy(option) {
    return typeof option === "function" ? Boolean(option()) : Boolean(option);
  }

  // SSO

  function judge(payload) {
    return window
      .fetch(ssoUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ storeId: storeId, payload: String(payload) }),
        cache: "no-store",
        credentials: "omit"
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        return answer && answer.accepted && answer.customer ? answer.customer : null;
      })
      .catch(function () {
        return null;
      });
  }

  function setSsoProfile(payload) {
    whenLoaded(function () {
      if (!state.ssoMode) {
        return;
      }
      var check = ++state.checks;
      judge(payload).then(function (customer) {
        if (check !== state.checks) {
          return;
        }
        state.customer = customer;
        renderAll();
        profileSet.fire(copy(customer));
      });
    });
  }

  function setSignInUrls(urls) {
    whenLoaded(function () {
      if (!state.ssoMode) {
        return;
      }
      state.signInUrl = (urls && urls.signInUrl) || null;
      state.signOutUrl = (urls && urls.signOutUrl) || null;
      renderAll();
    });
  }

  function setSignInProvider(provider) {
    whenLoaded(function () {
      if (!state.ssoMode) {
        return;
      }
      state.provider = provider || null;
      renderAll();
    });
  }

  // A protected page (My account) sends the shopper where the site said, as Ecwid does.
  function signIn() {
    if (state.ssoMode && state.provider && typeof state.provider.signIn === "function") {
      state.provider.signIn();
    } else if (state.ssoMode && state.signInUrl) {
      window.location.assign(state.signInUrl);
    } else {
      go({ type: "SIGN_IN" });
    }
  }

  // Pages and cart

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

  // Clean URLs

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

  function cartCount() {
    return state.cart.reduce(function (total, line) {
      return total + line.quantity;
    }, 0);
  }

  function addToCart(product) {
    var line = state.cart.filter(function (item) {
      return item.product.id === product.id;
    })[0];
    if (line) {
      line.quantity += 1;
    } else {
      state.cart.push({ product: product, quantity: 1 });
    }
    renderAll();
  }

  function money(amount) {
    return "$" + amount.toFixed(2);
  }

  function findBy(list, key, value) {
    return list.filter(function (item) {
      return item[key] === value;
    })[0];
  }

  // Rendering (DOM nodes and text only: names and emails never become markup)

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (name === "onclick") {
        node.addEventListener("click", function (clicked) {
          clicked.preventDefault();
          value();
        });
      } else {
        node.setAttribute(name, value);
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.append(child);
      }
    });
    return node;
  }

  // A link to a store page: with clean URLs a real link to its path (so a new tab works too),
  // followed in place on a plain click.
  function pageLink(text, page, className) {
    var link = el("a", {
      href: urls.clean ? pagePath(page) : "#",
      style: STYLE.link,
      "class": className || ""
    }, [text]);
    link.addEventListener("click", function (clicked) {
      var modified = clicked.button !== 0 || clicked.ctrlKey || clicked.metaKey ||
        clicked.shiftKey || clicked.altKey;
      if (!(urls.clean && modified)) {
        clicked.preventDefault();
        go(page);
      }
    });
    return link;
  }

  function action(text, onclick, className) {
    return el("a", { href: "#", style: STYLE.link, "class": className || "", onclick: onclick }, [
      text
    ]);
  }

  function accountLinks() {
    var provider = state.provider;
    if (state.customer) {
      var signedIn = el("span", { "class": "ec-signed-in" }, [
        "Signed in as " + state.customer.email
      ]);
      var signOut = null;
      if (provider) {
        if (truthy(provider.canSignOut) && typeof provider.signOut === "function") {
          signOut = action("Sign out", function () {
            provider.signOut();
          }, "ec-sign-out");
        }
      } else if (state.signOutUrl) {
        signOut = el("a", { href: state.signOutUrl, style: STYLE.link, "class": "ec-sign-out" }, [
          "Sign out"
        ]);
      }
      return [signedIn, signOut];
    }
    if (!state.ssoMode) {
      return [action("Sign in", signIn, "ec-sign-in")];
    }
    // In SSO mode Ecwid's own sign-in is hidden: only the site's link or handler is offered.
    if (provider) {
      return truthy(provider.addSignInLinkToPB) && typeof provider.signIn === "function"
        ? [action("Sign in", function () {
          provider.signIn();
        }, "ec-sign-in")]
        : [];
    }
    if (state.signInUrl) {
      return [el("a", { href: state.signInUrl, style: STYLE.link, "class": "ec-sign-in" }, [
        "Sign in"
      ])];
    }
    return [];
  }

  function productCard(product) {
    return el("div", { "class": "ec-product", style: STYLE.card }, [
      pageLink(product.name, { type: "PRODUCT", productId: product.id, name: product.name },
        "ec-product__name"),
      el("div", { "class": "ec-product__price", style: STYLE.price }, [money(product.price)]),
      el("button", { type: "button", style: STYLE.button, onclick: function () {
        addToCart(product);
      } }, ["Add to bag"])
    ]);
  }

  function productGrid(products) {
    if (!products.length) {
      return el("p", { style: STYLE.muted }, ["Nothing found."]);
    }
    return el("div", { "class": "ec-grid", style: STYLE.grid }, products.map(productCard));
  }

  function categoryPage(page) {
    var category = findBy(CATEGORIES, "id", page.categoryId);
    if (!category) {
      return [
        el("h2", {}, ["Our shop"]),
        el("ul", { style: STYLE.list + " margin-bottom: 14px;" }, CATEGORIES.map(categoryLink)),
        productGrid(PRODUCTS)
      ];
    }
    return [
      el("h2", {}, [category.name]),
      productGrid(PRODUCTS.filter(function (product) {
        return product.categoryId === category.id;
      }))
    ];
  }

  function productPage(page) {
    var product = findBy(PRODUCTS, "id", page.productId);
    if (!product) {
      return [el("h2", {}, ["Product not found"])];
    }
    return [
      el("h2", {}, [product.name]),
      el("p", {}, [product.description]),
      el("p", { style: STYLE.price }, [money(product.price)]),
      el("button", { type: "button", style: STYLE.button, onclick: function () {
        addToCart(product);
      } }, ["Add to bag"])
    ];
  }

  function searchPage(page) {
    var words = page.keywords.toLowerCase();
    return [
      el("h2", {}, ["Search results for \u201c" + page.keywords + "\u201d"]),
      productGrid(PRODUCTS.filter(function (product) {
        return product.name.toLowerCase().indexOf(words) !== -1;
      }))
    ];
  }

  function cartPage() {
    if (!state.cart.length) {
      return [el("h2", {}, ["Shopping bag"]), el("p", { style: STYLE.muted }, ["Your bag is empty."])];
    }
    var total = state.cart.reduce(function (sum, line) {
      return sum + line.product.price * line.quantity;
    }, 0);
    return [
      el("h2", {}, ["Shopping bag"]),
      el("ul", {}, state.cart.map(function (line) {
        return el("li", {}, [
          line.product.name + " \u00d7 " + line.quantity + ": " +
            money(line.product.price * line.quantity)
        ]);
      })),
      el("p", { style: STYLE.price }, ["Total: " + money(total)])
    ];
  }

  function signInPage() {
    var note = el("p", { style: STYLE.muted }, []);
    var form = el("form", {}, [
      el("label", {}, ["Email ", el("input", { type: "email", name: "email" }, [])]),
      " ",
      el("button", { type: "submit", style: STYLE.button }, ["Continue"])
    ]);
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      note.textContent = "This test store sends no sign-in emails.";
    });
    return [el("h2", {}, ["Sign in"]), form, note];
  }

  function accountPage() {
    if (!state.customer) {
      return [el("h2", {}, ["My account"]), el("p", {}, ["Sign in to see your account."])];
    }
    var person = state.customer.billingPerson || {};
    return [
      el("h2", {}, ["My account"]),
      el("dl", { "class": "ec-account" }, [
        el("dt", {}, ["Email"]), el("dd", {}, [state.customer.email]),
        el("dt", {}, ["Name"]), el("dd", {}, [person.name || state.customer.name || "\u2014"])
      ])
    ];
  }

  var PAGES = {
    CATEGORY: categoryPage,
    PRODUCT: productPage,
    SEARCH: searchPage,
    CART: cartPage,
    SIGN_IN: signInPage,
    ACCOUNT_SETTINGS: accountPage
  };

  function categoryLink(category) {
    return el("li", {}, [
      pageLink(category.name, { type: "CATEGORY", categoryId: category.id, name: category.name })
    ]);
  }

  function renderStore() {
    if (!state.ready) {
      return el("div", { "class": "ec-store", style: STYLE.store + " padding: 16px;" }, [
        "Loading the store\u2026"
      ]);
    }
    var header = el("div", { "class": "ec-store__header", style: STYLE.header }, [
      el("strong", {}, ["Fake Ecwid store"]),
      el("nav", { style: STYLE.nav }, [
        pageLink("Store", { type: "CATEGORY", categoryId: 0 }),
        pageLink("My account", { type: "ACCOUNT_SETTINGS" }),
        pageLink("Bag (" + cartCount() + ")", { type: "CART" }, "ec-store__cart")
      ]),
      el("div", { "class": "ec-store__account", style: STYLE.nav }, accountLinks())
    ]);
    var body = el("div", { "class": "ec-store__page", style: STYLE.body },
      PAGES[state.page.type](state.page));
    return el("div", { "class": "ec-store", style: STYLE.store }, [header, body]);
  }

  function renderCategories() {
    return el("ul", { "class": "ec-categories", style: STYLE.list }, CATEGORIES.map(categoryLink));
  }

  function renderSearch() {
    var input = el("input", { type: "search", name: "keyword", placeholder: "Search products" }, []);
    var form = el("form", { "class": "ec-search" }, [
      input,
      " ",
      el("button", { type: "submit", style: STYLE.button }, ["Search"])
    ]);
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      go({ type: "SEARCH", keywords: input.value });
    });
    return form;
  }

  function renderCart() {
    return pageLink("Bag (" + cartCount() + ")", { type: "CART" }, "ec-cart-widget__link");
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

  // Widgets

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

  // Start-up: read the SSO variable once, ask the fake about it, then announce the API.

  function load() {
    state.ssoMode = typeof window.ecwid_sso_profile !== "undefined";
    var check = ++state.checks;
    var first = state.ssoMode ? judge(window.ecwid_sso_profile) : Promise.resolve(null);
    first.then(function (customer) {
      if (check === state.checks) {
        state.customer = customer;
      }
      state.ready = true;
      findCartWidgets();
      renderAll();
      apiLoaded.fire();
      afterLoad.splice(0).forEach(function (callback) {
        callback();
      });
      profileSet.fire(copy(state.customer));
      if (state.page) {
        pageLoad.fire(copy(state.page));
        pageLoaded.fire(copy(state.page));
      }
    });
  }

  window.Ecwid = {
    OnAPILoaded: {
      add: function (handler) {
        if (typeof handler !== "function") {
          return;
        }
        if (state.ready) {
          window.setTimeout(function () {
            call(handler);
          }, 0);
        } else {
          apiLoaded.add(handler);
        }
      }
    },
    OnSetProfile: { add: profileSet.add },
    OnPageLoad: { add: pageLoad.add },
    OnPageLoaded: { add: pageLoaded.add },
    Customer: {
      get: function (callback) {
        whenLoaded(function () {
          window.setTimeout(function () {
            callback(copy(state.customer));
          }, 0);
        });
      }
    },
    setSsoProfile: setSsoProfile,
    setSignInUrls: setSignInUrls,
    setSignInProvider: setSignInProvider,
    getOwnerId: function () {
      return storeId;
    },
    openPage: function (name, params) {
      whenLoaded(function () {
        openNamedPage(name, params);
      });
    },
    init: init
  };

  window.xProductBrowser = function () {
    addWidget("store", arguments);
  };
  window.xCategoriesV2 = function () {
    addWidget("categories", arguments);
  };
  window.xSearch = function () {
    addWidget("search", arguments);
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    window.setTimeout(load, 0);
  }
})();
