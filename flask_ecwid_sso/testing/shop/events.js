/*
 * The store's state and the Ecwid JS API's events (OnAPILoaded, OnSetProfile, OnPageLoad,
 * OnPageLoaded).
 */

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
