'use strict';
// The daemon's status page: plain JavaScript over the daemon's own HTTP API, with the token the user gives.
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem('breakerbridge.token');
  let watching = null;
  const rows = new Map();

  function say(text, error) {
    $('status').textContent = text;
    $('status').className = error ? 'error' : '';
  }

  async function api(method, path) {
    const response = await fetch(path, { method, headers: { Authorization: 'Bearer ' + token } });
    if (response.status === 401) {
      signOut('That token was not accepted.');
      throw new Error('unauthorized');
    }
    return response;
  }

  function text(tag, content, className) {
    const element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function rulesSummary(s) {
    const parts = [];
    (s.rateLimits || []).forEach((l) => parts.push(`limit ${l.maxQps}/s ${l.behavior || 'REJECT'}` +
      (l.adaptive ? ` adaptive [${l.adaptive.floor}, ${l.adaptive.ceiling}]` : '')));
    (s.breakers || []).forEach((b) => parts.push(`breaker ${b.trip} ${b.threshold}` +
      (b.slowCallMs !== undefined ? ` >${b.slowCallMs}ms` : '') + `, open ${b.openMs} ms`));
    if (s.fallback && s.fallback.mode !== 'FAIL_FAST') parts.push('fallback ' + s.fallback.mode);
    if (s.migration) {
      parts.push(`migration: ${s.migration.incumbent} decides, ${s.migration.candidate} on ` +
                 `${s.migration.enforcePercent} % of calls`);
    }
    return parts.join('; ') || 'no rules';
  }

  function upsert(s, changed) {
    const key = s.service + '/' + s.resource;
    let row = rows.get(key);
    if (!row) {
      row = document.createElement('tr');
      rows.set(key, row);
      const sorted = [...rows.keys()].sort();
      const next = sorted[sorted.indexOf(key) + 1];
      $('rules').insertBefore(row, next ? rows.get(next) : null);
    }
    row.replaceChildren();
    row.dataset.key = key;
    row.append(text('td', s.service));
    const resource = document.createElement('td');
    const button = text('button', s.resource, 'link');
    button.type = 'button';
    button.setAttribute('aria-label', 'History of ' + key);
    button.addEventListener('click', () => showHistory(s.service, s.resource));
    resource.append(button);
    row.append(resource, text('td', String(s.version)), text('td', rulesSummary(s), 'rules'),
               text('td', s.updatedBy), text('td', s.updatedAt), text('td', s.origin));
    row.className = changed ? 'changed' : '';
  }

  function remove(service, resource) {
    const key = service + '/' + resource;
    const row = rows.get(key);
    if (row) {
      row.remove();
      rows.delete(key);
    }
  }

  async function showHistory(service, resource) {
    const path = '/v1/thresholds/' + encodeURIComponent(service) + '/' + encodeURIComponent(resource) + '/history';
    const response = await api('GET', path);
    $('history').replaceChildren();
    $('history-hint').textContent = 'Changes of ' + service + '/' + resource + ', oldest first:';
    if (response.ok) {
      for (const entry of await response.json()) {
        const item = text('li', `version ${entry.version}, ${entry.kind}, ${entry.at} by ${entry.by} (${entry.origin})`);
        const changes = document.createElement('ul');
        for (const c of entry.changes || []) {
          changes.append(text('li', `${c.path}: ${c.from === undefined ? '(none)' : JSON.stringify(c.from)} → ` +
                                    `${c.to === undefined ? '(none)' : JSON.stringify(c.to)}`));
        }
        item.append(changes);
        $('history').append(item);
      }
    }
    showDivergences(service);
    showAdaptive(service, resource);
  }

  async function showAdaptive(service, resource) {
    const path = '/v1/adaptive/' + encodeURIComponent(service) + '/' + encodeURIComponent(resource);
    const response = await api('GET', path);
    $('adaptive').replaceChildren();
    if (!response.ok) {
      $('adaptive-hint').textContent = service + '/' + resource + ' has no adaptive rate limit.';
      return;
    }
    const view = await response.json();
    $('adaptive-hint').textContent = `Controller of ${service}/${resource}: ` +
      (view.frozen ? 'frozen, ' + view.frozenWhy : 'deciding') + '.';
    const number = (value, unit) => value === null || value === undefined ? 'unknown' : value + unit;
    for (const l of view.rateLimits) {
      $('adaptive').append(text('li', `limit ${l.maxQps}/s in [${l.floor}, ${l.ceiling}], capacity estimate ` +
        `${number(l.capacityEstimate, '/s')}, smoothed errors ${number(l.smoothedErrorRatio, '')}, smoothed P95 ` +
        `${number(l.smoothedP95Ms, ' ms')}`));
    }
    for (const d of view.decisions.slice(-5).reverse()) {
      $('adaptive').append(text('li', `${d.at} ${d.action} ${d.limit}: ${d.reason}`));
    }
  }

  async function showDivergences(service) {
    const response = await api('GET', '/v1/divergences?service=' + encodeURIComponent(service));
    $('divergences').replaceChildren();
    $('divergences-hint').textContent = 'Divergences of ' + service + ', oldest first:';
    if (!response.ok) return;
    const list = await response.json();
    if (list.length === 0) $('divergences').append(text('li', 'None.'));
    list.forEach((d, i) => {
      const item = text('li', `${d.at} ${d.resource}: ${d.kind} (${d.detail}) `);
      // The trace that reproduces it, as a file; replayed with the conformance runner.
      const file = `${service}-divergence-${i + 1}.json`;
      const link = text('a', 'Download trace');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(d.trace, null, 2)], { type: 'application/json' }));
      link.download = file;
      item.append(link, text('code', ` java -jar breakerbridge-conformance.jar run ${file}`));
      $('divergences').append(item);
    });
  }

  async function loadConflicts() {
    const response = await api('GET', '/v1/conflicts');
    $('conflicts').replaceChildren();
    const list = response.ok ? await response.json() : [];
    if (list.length === 0) $('conflicts').append(text('li', 'No held conflicts.'));
    for (const c of list) {
      const what = c.resource === undefined ? c.service + ' (the whole service)' : c.service + ' ' + c.resource;
      const item = text('li', `${what}: ${c.reason} (held since ${c.at}) `);
      if (c.resource !== undefined) {
        const sides = document.createElement('dl');
        sides.append(text('dt', 'BreakerBridge'), text('dd', c.neutral), text('dt', 'Sentinel'), text('dd', c.sentinel));
        item.append(sides);
      }
      for (const winner of ['neutral', 'sentinel']) {
        const button = text('button', winner === 'neutral' ? 'Keep BreakerBridge rules' : 'Keep Sentinel rules');
        button.type = 'button';
        button.addEventListener('click', () => resolve(c.service, c.resource, winner));
        item.append(button, ' ');
      }
      $('conflicts').append(item);
    }
  }

  async function resolve(service, resource, winner) {
    const what = resource === undefined ? service : service + ' ' + resource;
    const response = await api('POST', '/v1/conflicts/' + encodeURIComponent(service) + '?winner=' + winner
      + (resource === undefined ? '' : '&resource=' + encodeURIComponent(resource)));
    if (response.status === 204) {
      say('Resolved the conflict of ' + what + ': ' + winner + ' wins.');
    } else {
      const body = await response.json().catch(() => ({}));
      say('Could not resolve the conflict of ' + what + ': ' + response.status + ' ' + (body.error || ''), true);
    }
    loadConflicts();
    loadSync();
  }

  async function loadSync() {
    const status = await api('GET', '/v1/sync/status');
    const s = status.ok ? await status.json() : { enabled: false };
    $('sync-status').textContent = !s.enabled ? 'Propagation to Sentinel is off on this daemon.'
      : `${s.leaseHolder ? 'This daemon holds the propagation lease' : 'This daemon is on standby (another holds the lease)'}: `
        + `${s.published} publications, ${s.imported} imports, ${s.refused} refused documents, `
        + `${s.heldConflicts} held conflicts.`
        + ((s.kept || []).length === 0 ? ''
           : ` Kept as they are (rules the model cannot express): ${s.kept.map((k) => k.service + ' ' + k.rule).join('; ')}.`);
    const response = await api('GET', '/v1/sync/events');
    $('sync').replaceChildren();
    const list = response.ok ? await response.json() : [];
    if (list.length === 0) $('sync').append(text('li', 'No propagation events.'));
    for (const e of list.slice(-20)) $('sync').append(text('li', `${e.at} ${e.service}: ${e.kind} ${e.detail}`));
  }

  // Follows /v1/watch from the listing's sequence; lists again when the daemon says it cannot resume (410, reset).
  async function watch(since) {
    const controller = new AbortController();
    watching = controller;
    try {
      const response = await fetch('/v1/watch?since=' + since,
                                   { headers: { Authorization: 'Bearer ' + token }, signal: controller.signal });
      if (response.status === 410) return load();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = (message.match(/^event:\s*(.*)$/m) || [])[1];
          const data = message.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('');
          if (event === 'reset') return load();
          if (!data) continue;
          const change = JSON.parse(data);
          since = change.sequence;
          if (change.kind === 'PUT') upsert(change.snapshot, true); else remove(change.service, change.resource);
          $('live').textContent = `${change.service}/${change.resource} is now version ${change.version}.`;
          loadConflicts();
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    if (watching === controller) setTimeout(() => watch(since), 2000);
  }

  async function load() {
    if (watching) watching.abort();
    say('Loading…');
    const response = await api('GET', '/v1/thresholds');
    if (!response.ok) {
      say('Could not read the rules: ' + response.status, true);
      return;
    }
    const sequence = response.headers.get('x-breakerbridge-sequence') || '0';
    rows.clear();
    $('rules').replaceChildren();
    for (const s of await response.json()) upsert(s, false);
    say(`Signed in. ${rows.size} resource(s) at sequence ${sequence}; following changes live.`);
    loadConflicts();
    loadSync();
    watch(sequence);
  }

  function signOut(message) {
    if (watching) watching.abort();
    watching = null;
    token = null;
    sessionStorage.removeItem('breakerbridge.token');
    $('app').hidden = true;
    $('signin').hidden = false;
    say(message || 'Signed out.');
    $('token').focus();
  }

  $('signin').addEventListener('submit', (event) => {
    event.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem('breakerbridge.token', token);
    $('token').value = '';
    $('signin').hidden = true;
    $('app').hidden = false;
    load();
  });
  $('signout').addEventListener('click', () => signOut());
  if (token) {
    $('signin').hidden = true;
    $('app').hidden = false;
    load();
  }
})();
