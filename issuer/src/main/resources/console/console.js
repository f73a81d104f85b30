// The console's passkey ceremonies (WebAuthn): the only script, served by the issuer itself. The invite token is read
// from the link's fragment, which the browser never sends to any server, and is posted to the issuer once.
'use strict';

function say(text) {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

async function post(path, body) {
  const headers = { 'Content-Type': 'application/json' };
  const csrf = document.querySelector('meta[name=csrf]');
  if (csrf) headers['X-CSRF-Token'] = csrf.content;
  const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(j.error_description || ('the issuer answered ' + r.status));
  return j;
}

function supported() {
  return window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON;
}

async function register(invite) {
  const start = await post('/console/api/register/options', { invite });
  const options = PublicKeyCredential.parseCreationOptionsFromJSON(start.options);
  const credential = await navigator.credentials.create({ publicKey: options });
  const done = await post('/console/api/register', { invite, credential: credential.toJSON() });
  window.location.assign(done.next);
}

async function signIn() {
  const options = PublicKeyCredential.parseRequestOptionsFromJSON(await post('/console/api/signin/options', {}));
  const credential = await navigator.credentials.get({ publicKey: options });
  const done = await post('/console/api/signin', { credential: credential.toJSON() });
  window.location.assign(done.next);
}

// A vote is confirmed with the passkey over a challenge the issuer made for that one vote.
async function vote(proposal, choice) {
  const options = PublicKeyCredential.parseRequestOptionsFromJSON(await post('/console/api/vote/options', { proposal, vote: choice }));
  const credential = await navigator.credentials.get({ publicKey: options });
  const done = await post('/console/api/vote', { proposal, vote: choice, credential: credential.toJSON() });
  window.location.assign(done.next);
}

// An acceptance is confirmed with the passkey over a challenge the issuer made for that offer's text and this account.
async function accept(offer, sha256) {
  const body = { offer, offer_sha256: sha256 };
  const options = PublicKeyCredential.parseRequestOptionsFromJSON(await post('/console/api/accept/options', body));
  const credential = await navigator.credentials.get({ publicKey: options });
  const done = await post('/console/api/accept', { ...body, credential: credential.toJSON() });
  window.location.assign(done.next);
}

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('button.accept')) {
    b.addEventListener('click', () => {
      const s = document.getElementById('accept-status');
      if (s) s.textContent = 'Confirm your acceptance of ' + b.dataset.offer + ' on your device…';
      b.disabled = true;
      accept(b.dataset.offer, b.dataset.sha256).catch((e) => { b.disabled = false; if (s) s.textContent = 'Not accepted: ' + e.message; });
    });
  }
  for (const b of document.querySelectorAll('button.vote')) {
    b.addEventListener('click', () => {
      const s = document.getElementById('vote-status');
      if (s) s.textContent = 'Confirm your vote on your device…';
      vote(b.dataset.proposal, b.dataset.vote).catch((e) => { if (s) s.textContent = 'Not counted: ' + e.message; });
    });
  }
  const reg = document.getElementById('register');
  if (reg) {
    const invite = new URLSearchParams(window.location.hash.slice(1)).get('t') || '';
    history.replaceState(null, '', window.location.pathname); // the token leaves the address bar and the history
    if (!supported()) {
      say('This browser cannot make passkeys. Use a current browser.');
      return;
    }
    post('/console/api/register/options', { invite }).then((start) => {
      document.getElementById('account').textContent = 'This invite is for ' + start.account.replace(/^member:/, '').replace(/^licensee:/, 'licensee ') + '.';
      reg.disabled = false;
      reg.addEventListener('click', () => {
        reg.disabled = true;
        say('Waiting for your device…');
        register(invite).catch((e) => { say('Not registered: ' + e.message); reg.disabled = false; });
      });
    }).catch((e) => { document.getElementById('account').textContent = e.message; });
  }
  const link = document.getElementById('link-status');
  if (link) {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('t') || '';
    history.replaceState(null, '', window.location.pathname); // the token leaves the address bar and the history
    post('/console/api/operator/link', { link: token }).then((done) => window.location.assign(done.next))
      .catch((e) => { link.textContent = 'Not signed in: ' + e.message; });
  }
  const sig = document.getElementById('signin');
  if (sig) {
    sig.addEventListener('click', () => {
      if (!supported()) { say('This browser cannot use passkeys. Use a current browser.'); return; }
      say('Waiting for your device…');
      signIn().catch((e) => say('Not signed in: ' + e.message));
    });
  }
});
