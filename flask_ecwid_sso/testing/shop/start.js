/*
 * FakeEcwid's storefront: a small stand-in for Ecwid's script.js, for tests and the offline demo.
 *
 * It behaves like Ecwid's where flask-ecwid-sso touches it: the global Ecwid API (OnAPILoaded,
 * OnSetProfile, OnPageLoad, OnPageLoaded, setSsoProfile, setSignInUrls, setSignInProvider,
 * Customer.get, getOwnerId, openPage, init), the widgets xProductBrowser, xCategoriesV2 and
 * xSearch, and the .ec-cart-widget bag link. Load it as script.js?STORE_ID&...: the store id is
 * the first query token, and the fake's other endpoints are found next to the script, so the fake
 * may be mounted under any prefix.
 *
 * The script is served as one strict-mode function made of the files in this folder, in the
 * order that storefront.py names (this one first, api.js last); they share its scope.
 * storefront.py puts two values in front of them: STYLESHEET (shop.css) and PICTURES
 * (pictures/NAME.svg as data: URLs), so the store loads nothing but this script and its SSO
 * check.
 *
 * This file: where the script was loaded from, and the store's stylesheet. The stylesheet goes
 * first in <head>, so the host page's own rules win; the host sets the store's colours and fonts
 * through the --fake-ecwid-* custom properties that shop.css lists.
 */
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

(function addStylesheet() {
  var style = document.createElement("style");
  style.setAttribute("data-fake-ecwid", "");
  style.textContent = STYLESHEET;
  var head = document.head || document.documentElement;
  head.insertBefore(style, head.firstChild);
})();
