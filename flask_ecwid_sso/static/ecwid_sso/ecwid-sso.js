/*
 * flask-ecwid-sso browser helper: keeps Ecwid's storefront in step with the site's login.
 *
 * Reads window.EcwidSSOConfig (written by ecwid_sso_script()), tells Ecwid where to send
 * shoppers to sign in and out, and refreshes the SSO profile after a login or logout seen
 * in this tab or another one. Never stores the payload: other tabs only learn an opaque
 * login-state marker.
 */
(function () {
  "use strict";

  if (window.EcwidSSO) {
    return;
  }

  var config = window.EcwidSSOConfig || {};
  var STORAGE_KEY = "flask-ecwid-sso:state";
  var CHANNEL_NAME = "flask-ecwid-sso";
  var ECWID_WAIT_MS = 60000;
  var current = {
    state: config.state,
    signInUrl: config.signInUrl || null,
    signOutUrl: config.signOutUrl || null
  };
  var channel = null;

  // The server gives paths; Ecwid wants absolute URLs, made here from the page's own origin.
  // The way back is the page the shopper is on now, as a path, which the site always takes
  // as same-site.
  function withNext(url, next) {
    if (!url) {
      return null;
    }
    var absolute = new URL(url, window.location.origin);
    absolute.searchParams.set("next", next || window.location.pathname + window.location.search);
    return absolute.toString();
  }

  // The store's own base URL with clean URLs (its sign-in page has a path of its own, which
  // would only ask again), else this page.
  function storeBase() {
    var ec = window.ec;
    var base = ec && ec.config && ec.config.baseUrl;
    return typeof base === "string" && base.charAt(0) === "/" ? base : window.location.pathname;
  }

  // Ecwid's API exists only once script.js has run, which may be late or deferred.
  // Gives up quietly if it never arrives.
  function whenEcwid(callback) {
    var started = Date.now();
    var done = false;
    function run() {
      if (!done) {
        done = true;
        callback(window.Ecwid);
      }
    }
    (function wait() {
      var ecwid = window.Ecwid;
      if (ecwid && ecwid.OnAPILoaded && typeof ecwid.OnAPILoaded.add === "function") {
        ecwid.OnAPILoaded.add(run);
        return;
      }
      if (Date.now() - started < ECWID_WAIT_MS) {
        window.setTimeout(wait, 100);
      }
    })();
  }

  function applySignInUrls(ecwid) {
    if (typeof ecwid.setSignInUrls !== "function") {
      return;
    }
    var urls = { signInUrl: withNext(current.signInUrl) };
    if (current.signOutUrl) {
      urls.signOutUrl = withNext(current.signOutUrl);
    }
    ecwid.setSignInUrls(urls);
  }

  function readRecorded() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null;
    }
  }

  // Records a new state and tells the other tabs, unless it is already recorded
  // (which is how a tab that was told does not tell everyone again).
  function record(state) {
    if (readRecorded() === state) {
      return;
    }
    try {
      window.localStorage.setItem(STORAGE_KEY, state);
    } catch (error) {
      // Storage may be disabled (private mode): tabs then sync on visibility only.
    }
    if (channel) {
      channel.postMessage({ state: state });
    }
  }

  function refresh() {
    if (!config.profileUrl || !window.fetch) {
      return Promise.resolve(null);
    }
    return window
      .fetch(config.profileUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" }
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("profile refresh answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var changed = data.state !== current.state;
        current.state = data.state;
        current.signInUrl = data.signInUrl || null;
        current.signOutUrl = data.signOutUrl || null;
        record(data.state);
        whenEcwid(function (ecwid) {
          if (changed && typeof ecwid.setSsoProfile === "function") {
            ecwid.setSsoProfile(data.profile);
          }
          applySignInUrls(ecwid);
        });
        return data;
      })
      .catch(function () {
        return null;
      });
  }

  function onOtherTab(state) {
    if (state !== current.state) {
      refresh();
    }
  }

  if (typeof window.BroadcastChannel === "function") {
    channel = new window.BroadcastChannel(CHANNEL_NAME);
    channel.onmessage = function (event) {
      onOtherTab(event.data && event.data.state);
    };
  } else {
    window.addEventListener("storage", function (event) {
      if (event.key === STORAGE_KEY) {
        onOtherTab(event.newValue);
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh();
    }
  });

  // Every page the store opens moves the way back there (Ecwid passes no return URL).
  whenEcwid(function (ecwid) {
    applySignInUrls(ecwid);
    if (!ecwid.OnPageLoaded || typeof ecwid.OnPageLoaded.add !== "function") {
      return;
    }
    ecwid.OnPageLoaded.add(function (page) {
      if (config.redirectSignInPage && page && page.type === "SIGN_IN" && current.signInUrl) {
        window.location.assign(withNext(current.signInUrl, storeBase()));
        return;
      }
      applySignInUrls(ecwid);
    });
  });

  record(current.state);

  window.EcwidSSO = {
    refresh: refresh,
    loggedIn: refresh,
    loggedOut: refresh,
    state: function () {
      return current.state;
    }
  };
})();
