/*
 * SSO as Ecwid documents it: the store is in SSO mode when window.ecwid_sso_profile is defined
 * (even as '') when the storefront loads, and reads it once then; only in SSO mode do
 * setSsoProfile, setSignInUrls and setSignInProvider do anything. Every payload ('' included)
 * goes to the fake (POST storefront/sso), which judges it and answers with the customer signed
 * in, or none; the store shows that answer.
 */

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

function setSignInUrls(given) {
  whenLoaded(function () {
    if (!state.ssoMode) {
      return;
    }
    state.signInUrl = (given && given.signInUrl) || null;
    state.signOutUrl = (given && given.signOutUrl) || null;
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
