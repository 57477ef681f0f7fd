// The delivery boy's service worker, served at /d/sw.js by deliveries/views/pwa.py, which
// puts VERSION and PRECACHE (the static files' URLs) in front of this file.
// - static files: from the cache first (their URLs change when they change);
// - the boy's pages (today, tomorrow, the load sheet): from the network first, the last
//   copy when there is no connection. One cache of pages per user: the route page tells
//   us who is signed in (data-user), and a different user empties it.
// - never a POST, never a page that did not answer 200 (a login redirect, an error).
/* global VERSION, PRECACHE */
"use strict";

var STATIC_CACHE = "earlybird-static-" + VERSION;
var PAGES = "earlybird-pages-"; // + the user's id
var SCOPE = new URL(self.registration.scope).pathname; // "/d/"
// Ours per user already: a "Vary: Cookie" must not stop a match with no cookie to compare.
var MATCH = { ignoreVary: true };
var CACHED_PAGES = ["", "tomorrow/", "load/"].map(function (path) { return SCOPE + path; });

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("earlybird-static-") === 0 && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pagesCacheName() {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(PAGES) === 0; })[0] || null;
  });
}

function forgetPages(except) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGES) === 0 && name !== except;
    }).map(function (name) { return caches.delete(name); }));
  });
}

function isCachedPage(url) {
  return url.origin === self.location.origin && CACHED_PAGES.indexOf(url.pathname) !== -1;
}

// Store a page's answer only if it is the page itself (not a redirect to the login page).
function keep(cacheName, request, response) {
  if (!cacheName || !response.ok || response.redirected || response.type !== "basic") {
    return Promise.resolve();
  }
  return caches.open(cacheName).then(function (cache) {
    return cache.put(request, response);
  });
}

function networkFirst(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(pagesCacheName().then(function (name) {
      return keep(name, request, response.clone());
    }));
    return response;
  }, function (error) {
    return pagesCacheName().then(function (name) {
      if (!name) return null;
      return caches.open(name).then(function (c) { return c.match(request, MATCH); });
    }).then(function (cached) {
      if (cached) return cached;
      throw error;
    });
  });
}

function cacheFirst(event) {
  return caches.match(event.request, MATCH).then(function (cached) {
    return cached || fetch(event.request).then(function (response) {
      var copy = response.clone();
      if (response.ok) {
        event.waitUntil(caches.open(STATIC_CACHE).then(function (c) {
          return c.put(event.request, copy);
        }));
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  if (event.request.method !== "GET") return; // POSTs always go to the network
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SCOPE + "login/") {
    event.waitUntil(forgetPages(null)); // signing in again: nobody's pages stay
    return;
  }
  if (isCachedPage(url)) {
    event.respondWith(networkFirst(event));
  } else if (PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(cacheFirst(event));
  }
});

// The route page, opened on a connection: {user, urls, windows} — keep the pages of this
// user (dropping anyone else's) and fetch them now, so tomorrow's list and the load sheet
// open with no connection too, and the page itself even when it was opened before we
// controlled it. With `windows`, a long route's other windows (the links in a page's
// nav.route-parts, deliveries/route_rows.py) are fetched and kept as well.
var WINDOW_LINKS = /<nav class="route-parts"[\s\S]*?<\/nav>/;

function windowLinks(html, base) {
  var nav = WINDOW_LINKS.exec(html);
  if (!nav) return [];
  var links = [];
  var href = /href="([^"]+)"/g;
  var found;
  while ((found = href.exec(nav[0])) !== null) {
    links.push(new URL(found[1].replace(/&amp;/g, "&"), base).href);
  }
  return links;
}

function fetchAndKeep(name, url) {
  var request = new Request(url, { credentials: "same-origin" });
  return fetch(request).then(function (response) {
    return keep(name, request, response.clone()).then(function () { return response; });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "warm" || !data.user) return;
  var name = PAGES + data.user;
  var urls = CACHED_PAGES.concat(data.urls || []).filter(function (url) {
    return isCachedPage(new URL(url, self.location.origin));
  });
  var kept = urls.map(function (url) { return new URL(url, self.location.origin).href; });
  function more(url, response) {
    if (!data.windows || !response.ok) return null;
    return response.text().then(function (html) {
      return Promise.all(windowLinks(html, url).filter(function (link) {
        if (kept.indexOf(link) !== -1 || !isCachedPage(new URL(link))) return false;
        kept.push(link);
        return true;
      }).map(function (link) {
        return fetchAndKeep(name, link).catch(function () {});
      }));
    });
  }
  event.waitUntil(forgetPages(name).then(function () {
    return Promise.all(kept.slice().map(function (url) {
      return fetchAndKeep(name, url).then(function (response) {
        return more(url, response);
      }).catch(function () {});
    }));
  }).then(function () {
    if (event.source) event.source.postMessage({ type: "warmed", urls: kept });
  }));
});
