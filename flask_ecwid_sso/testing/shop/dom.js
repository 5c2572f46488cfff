/*
 * Building the store's DOM: nodes and text only, so names and emails never become markup.
 * Every element carries an ec-* class that shop.css styles.
 */

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
    "class": "ec-link " + (className || "")
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
  return el("a", { href: "#", "class": "ec-link " + (className || ""), onclick: onclick }, [
    text
  ]);
}

function button(text, onclick, className) {
  return el("button", {
    type: "button",
    "class": "ec-button " + (className || ""),
    onclick: onclick
  }, [text]);
}

// A product's picture; alt is "" where the product's name is next to it.
function picture(product, alt, className) {
  return el("img", {
    src: PICTURES[product.picture] || "",
    alt: alt,
    width: "320",
    height: "240",
    "class": "ec-picture " + (className || "")
  }, []);
}

function bagIcon() {
  var svg = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(svg, "svg");
  icon.setAttribute("viewBox", "0 0 16 16");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  icon.setAttribute("class", "ec-bag-icon");
  var path = document.createElementNS(svg, "path");
  path.setAttribute("d", "M3 5.5h10l-.8 8.5H3.8zM5.5 5.5V4a2.5 2.5 0 0 1 5 0v1.5");
  icon.append(path);
  return icon;
}

function bagLink(className) {
  var link = pageLink("Bag (" + cartCount() + ")", { type: "CART" }, "ec-bag " + className);
  link.prepend(bagIcon());
  return link;
}
