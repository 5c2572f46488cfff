/*
 * The store's pages (page.type CATEGORY, PRODUCT, SEARCH, CART, SIGN_IN, ACCOUNT_SETTINGS), each
 * under one h2, and the account links of the store's header.
 */

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
      signOut = el("a", { href: state.signOutUrl, "class": "ec-link ec-sign-out" }, ["Sign out"]);
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
    return [el("a", { href: state.signInUrl, "class": "ec-link ec-sign-in" }, ["Sign in"])];
  }
  return [];
}

function productPage(product) {
  return { type: "PRODUCT", productId: product.id, name: product.name };
}

function categoryPage(category) {
  return { type: "CATEGORY", categoryId: category.id, name: category.name };
}

// The card's name link covers the whole card (shop.css), so the picture opens the product too.
function productCard(product) {
  return el("div", { "class": "ec-product" }, [
    picture(product, "", "ec-product__picture"),
    el("h3", { "class": "ec-product__title" }, [
      pageLink(product.name, productPage(product), "ec-product__name")
    ]),
    el("p", { "class": "ec-price ec-product__price" }, [money(product.price)]),
    button("Add to bag", function () {
      addToCart(product);
    }, "ec-product__add")
  ]);
}

function productGrid(products) {
  if (!products.length) {
    return el("p", { "class": "ec-muted" }, ["Nothing found."]);
  }
  return el("div", { "class": "ec-grid" }, products.map(productCard));
}

function categoryList(current) {
  return el("ul", { "class": "ec-category-list" }, CATEGORIES.map(function (category) {
    var link = pageLink(category.name, categoryPage(category), "ec-category-list__link");
    if (category === current) {
      link.setAttribute("aria-current", "page");
    }
    return el("li", {}, [link]);
  }));
}

function showCategory(page) {
  var category = findBy(CATEGORIES, "id", page.categoryId);
  if (!category) {
    return [el("h2", {}, ["Our shop"]), categoryList(null), productGrid(PRODUCTS)];
  }
  return [
    el("h2", {}, [category.name]),
    categoryList(category),
    productGrid(PRODUCTS.filter(function (product) {
      return product.categoryId === category.id;
    }))
  ];
}

function showProduct(page) {
  var product = findBy(PRODUCTS, "id", page.productId);
  if (!product) {
    return [el("h2", {}, ["Product not found"]), categoryList(null)];
  }
  var category = findBy(CATEGORIES, "id", product.categoryId);
  return [
    el("nav", { "class": "ec-breadcrumbs", "aria-label": "Breadcrumb" }, [
      pageLink("Our shop", { type: "CATEGORY", categoryId: 0 }),
      " \u203a ",
      pageLink(category.name, categoryPage(category))
    ]),
    el("div", { "class": "ec-details" }, [
      picture(product, product.shows, "ec-details__picture"),
      el("div", { "class": "ec-details__text" }, [
        el("h2", {}, [product.name]),
        el("p", {}, [product.description]),
        el("p", { "class": "ec-price" }, [money(product.price)]),
        button("Add to bag", function () {
          addToCart(product);
        })
      ])
    ])
  ];
}

function showSearch(page) {
  var words = page.keywords.toLowerCase();
  return [
    el("h2", {}, ["Search results for \u201c" + page.keywords + "\u201d"]),
    productGrid(PRODUCTS.filter(function (product) {
      return product.name.toLowerCase().indexOf(words) !== -1;
    }))
  ];
}

function bagLine(line) {
  var product = line.product;
  return el("li", { "class": "ec-bag-line" }, [
    picture(product, "", "ec-bag-line__picture"),
    el("span", { "class": "ec-bag-line__name" }, [
      pageLink(product.name, productPage(product)),
      el("span", { "class": "ec-muted" }, [" \u00d7 " + line.quantity])
    ]),
    el("span", { "class": "ec-price" }, [money(product.price * line.quantity)]),
    el("button", {
      type: "button",
      "class": "ec-button ec-button--quiet",
      "aria-label": "Remove " + product.name,
      onclick: function () {
        removeFromCart(product);
      }
    }, ["Remove"])
  ]);
}

function showCart() {
  var keepShopping = pageLink("Keep shopping", { type: "CATEGORY", categoryId: 0 });
  if (!state.cart.length) {
    return [
      el("h2", {}, ["Shopping bag"]),
      el("p", { "class": "ec-muted" }, ["Your bag is empty."]),
      el("p", {}, [keepShopping])
    ];
  }
  return [
    el("h2", {}, ["Shopping bag"]),
    el("ul", { "class": "ec-bag-lines" }, state.cart.map(bagLine)),
    el("p", { "class": "ec-price ec-bag-total" }, ["Total: " + money(cartTotal())]),
    el("p", { "class": "ec-muted" }, ["Checkout is off in this demo. ", keepShopping])
  ];
}

function showSignIn() {
  var note = el("p", { "class": "ec-muted", role: "status" }, []);
  var form = el("form", { "class": "ec-form" }, [
    el("label", {}, ["Email ", el("input", { type: "email", name: "email" }, [])]),
    el("button", { type: "submit", "class": "ec-button" }, ["Continue"])
  ]);
  form.addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    note.textContent = "This test store sends no sign-in emails.";
  });
  return [el("h2", {}, ["Sign in"]), form, note];
}

function showAccount() {
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
  CATEGORY: showCategory,
  PRODUCT: showProduct,
  SEARCH: showSearch,
  CART: showCart,
  SIGN_IN: showSignIn,
  ACCOUNT_SETTINGS: showAccount
};
