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

  function withNext(url) {
    if (!url) {
      return null;
    }
    var absolute = new URL(url, window.location.href);
    absolute.searchParams.set("next", window.location.href);
    return absolute.toString();
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

  whenEcwid(function (ecwid) {
    applySignInUrls(ecwid);
    if (config.redirectSignInPage && ecwid.OnPageLoaded && ecwid.OnPageLoaded.add) {
      ecwid.OnPageLoaded.add(function (page) {
        if (page && page.type === "SIGN_IN" && current.signInUrl) {
          window.location.assign(withNext(current.signInUrl));
        }
      });
    }
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
