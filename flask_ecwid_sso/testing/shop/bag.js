/*
 * The shopping bag. Like Ecwid's, it lives in the browser's localStorage, one per store, so it
 * outlasts page loads and reloads, and a change in one tab reaches the store's other tabs.
 * Where localStorage cannot be used, the bag lasts as long as the page.
 */

var BAG_KEY = "fake-ecwid:" + storeId + ":bag";

function storage() {
  try {
    return window.localStorage;
  } catch (error) {
    return null;
  }
}

// The stored lines, as products of the catalogue; anything else in the key is ignored.
function readBag() {
  var stored = null;
  try {
    stored = JSON.parse((storage() && storage().getItem(BAG_KEY)) || "[]");
  } catch (error) {
    stored = [];
  }
  return (Array.isArray(stored) ? stored : []).map(function (line) {
    var product = line && findBy(PRODUCTS, "id", line.productId);
    var quantity = line && Math.floor(Number(line.quantity));
    return product && quantity > 0 ? { product: product, quantity: quantity } : null;
  }).filter(Boolean);
}

function saveBag() {
  var lines = state.cart.map(function (line) {
    return { productId: line.product.id, quantity: line.quantity };
  });
  try {
    storage().setItem(BAG_KEY, JSON.stringify(lines));
  } catch (error) {
    return;
  }
}

function cartCount() {
  return state.cart.reduce(function (total, line) {
    return total + line.quantity;
  }, 0);
}

function cartTotal() {
  return state.cart.reduce(function (sum, line) {
    return sum + line.product.price * line.quantity;
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
  saveBag();
  renderAll();
}

function removeFromCart(product) {
  state.cart = state.cart.filter(function (line) {
    return line.product.id !== product.id;
  });
  saveBag();
  renderAll();
}

state.cart = readBag();

window.addEventListener("storage", function (changed) {
  if (changed.key === BAG_KEY || changed.key === null) {
    state.cart = readBag();
    renderAll();
  }
});
