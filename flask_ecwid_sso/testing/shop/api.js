/*
 * The global Ecwid API and the widget functions, and the start-up: read the SSO variable once,
 * ask the fake about it, then announce the API.
 */

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
