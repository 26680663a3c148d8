// The operator's page: the list of migrations, and one migration with its timeline, checkpoints, plan, live backfill
// progress and the buttons its role allows. Plain script, no build step: it talks to the REST API it is served by.
(function () {
  'use strict';
  var main = document.getElementById('main');
  var errorBox = document.getElementById('error');
  var me = { name: null, role: 'viewer', open: false };
  var timer = null;
  var stream = null;
  var RANK = { viewer: 0, operator: 1, approver: 2, admin: 3 };
  var planHtml = {};

  function token() { return localStorage.getItem('dbshift.token') || ''; }
  function esc(text) {
    return String(text == null ? '' : text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;');
  }
  function may(role) { return RANK[me.role] >= RANK[role]; }

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (token()) headers['Authorization'] = 'Bearer ' + token();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        var read = type.indexOf('json') >= 0 ? response.json() : response.text();
        return read.then(function (data) {
          if (!response.ok) {
            var message = data && data.error ? data.error : (typeof data === 'string' ? data : response.statusText);
            throw new Error(response.status + ': ' + message);
          }
          return data;
        });
      });
  }

  function showError(e) { errorBox.textContent = e ? String(e.message || e) : ''; }

  function whoami() {
    return api('GET', '/whoami').then(function (who) {
      me = who;
      document.getElementById('who').textContent = who.open ? 'open API (no operators configured)'
        : who.name + ' (' + who.role + ')';
    });
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.close(); stream = null; }
  }

  function route() {
    stop();
    showError(null);
    var match = location.hash.match(/^#\/m\/([^/]+)$/);
    whoami().then(function () {
      if (match) { detail(decodeURIComponent(match[1])); } else { list(); }
    }).catch(function (e) {
      main.innerHTML = '<p>Sign in with your operator token to see the migrations.</p>';
      showError(e);
    });
  }

  function waitingText(w) {
    return w ? 'waiting for ' + w.what.toLowerCase() + ' before ' + w.step + ': ' + w.reason : '';
  }

  function list() {
    function draw() {
      api('GET', '/migrations').then(function (rows) {
        main.innerHTML = '<h1>Migrations</h1><table data-testid="migrations"><thead><tr><th>Name</th><th>Phase</th>' +
          '<th>Risk</th><th>Waiting</th><th>Updated</th></tr></thead><tbody>' + rows.map(function (m) {
            return '<tr><td><a href="#/m/' + encodeURIComponent(m.id) + '">' + esc(m.name) + '</a><br><small>' +
              esc(m.id) + '</small></td><td class="phase ' + esc(m.phase) + '">' + esc(m.phase) + '</td><td>' +
              esc(m.risk || '') + '</td><td>' + esc(waitingText(m.waitingFor)) + '</td><td>' +
              esc(m.updatedAt || '') + '</td></tr>';
          }).join('') + '</tbody></table>';
      }).catch(showError);
    }
    draw();
    timer = setInterval(draw, 3000);
  }

  function detail(id) {
    main.innerHTML = '<p>Loading ' + esc(id) + '…</p>';
    var progress = {};
    function draw() {
      Promise.all([api('GET', '/migrations/' + encodeURIComponent(id)),
        api('GET', '/migrations/' + encodeURIComponent(id) + '/events')])
        .then(function (both) { render(both[0], both[1], progress); })
        .catch(showError);
    }
    draw();
    timer = setInterval(draw, 2000);
    var url = '/migrations/' + encodeURIComponent(id) + '/live' + (token() ? '?access_token=' + encodeURIComponent(token()) : '');
    stream = new EventSource(url);
    stream.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === 'io.dbshift.BackfillProgressed') {
        progress[event.data.stepId + '/' + event.data.table] = event.data;
        drawProgress(progress);
      } else {
        draw();
      }
    };
  }

  function drawProgress(progress) {
    var box = document.getElementById('progress');
    if (!box) return;
    var keys = Object.keys(progress);
    box.innerHTML = keys.length === 0 ? '<p>No backfill running.</p>' : keys.map(function (key) {
      var p = progress[key];
      var percent = p.rowsEstimated > 0 ? Math.min(100, Math.round(100 * p.rowsDone / p.rowsEstimated)) : 0;
      return '<p>' + esc(p.stepId) + ' · ' + esc(p.table) + ': ' + p.rowsDone.toLocaleString() + ' of ~' +
        p.rowsEstimated.toLocaleString() + ' rows, ' + p.rowsPerSecond.toLocaleString() + ' rows/s' +
        (p.etaSeconds != null ? ', ETA ' + p.etaSeconds + ' s' : '') + (p.throttle ? ' (' + esc(p.throttle) + ')' : '') +
        '</p><div class="progress"><div style="width:' + percent + '%"></div></div>';
    }).join('');
  }

  function render(m, events, progress) {
    var waiting = m.waitingFor;
    var live = ['COMPLETED', 'FAILED', 'ROLLED_BACK'].indexOf(m.phase) < 0;
    var productionStarted = (m.evidence.steps || []).some(function (s) { return s.stepId.indexOf('production.') === 0; });
    var canApprove = may('approver') && live && !productionStarted;
    var canNext = may('operator') && waiting && (waiting.what === 'OPERATOR' || waiting.what === 'SWITCH');
    var canRollback = may('operator') && (m.phase === 'COMPLETED' || m.phase === 'FAILED'
        || (waiting && waiting.what === 'SWITCH'));
    var checkpoints = m.evidence.checkpoints || {};
    var names = ['Migration rehearsed', 'Rollback tested', 'Backup verified', 'Data integrity checks passing',
      'Team notified'];
    Object.keys(checkpoints).forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); });
    var focused = document.activeElement && document.activeElement.id === 'reason';
    var reason = document.getElementById('reason');
    var reasonValue = reason ? reason.value : '';
    if (focused) return; // do not redraw under a typing operator
    main.innerHTML =
      '<h1>' + esc(m.name) + '</h1>' +
      '<p>Phase <span class="phase ' + esc(m.phase) + '" data-testid="phase">' + esc(m.phase) + '</span>' +
      (m.step ? ' · step ' + esc(m.step) : '') + ' · risk ' + esc(m.risk || 'not assessed yet') + ' · ' +
      esc(m.target) + ', rehearsed on ' + esc(m.staging) + '</p>' +
      (waiting ? '<p class="waiting" data-testid="waiting">' + esc(waitingText(waiting)) + '</p>' : '') +
      (m.failure ? '<p class="waiting">' + esc(m.failure) + '</p>' : '') +
      '<section><h2>Actions</h2><div class="actions"><input id="reason" placeholder="reason (recorded with your name)">' +
      '<button data-action="approve"' + (canApprove ? '' : ' disabled') + '>Approve</button>' +
      '<button data-action="reject"' + (canApprove ? '' : ' disabled') + '>Reject</button>' +
      '<button data-action="next"' + (canNext ? '' : ' disabled') + '>Next</button>' +
      '<button data-action="rollback"' + (canRollback ? '' : ' disabled') + '>Roll back</button></div>' +
      '<p><small>Approvals: ' + ((m.approvals || []).map(function (a) { return esc(a.by) + ' (' + esc(a.reason) + ')'; })
        .join(', ') || 'none') + '</small></p></section>' +
      '<section><h2>Backfill</h2><div id="progress"></div></section>' +
      '<section><h2>Checkpoints</h2><ul data-testid="checkpoints">' + names.map(function (n) {
        var c = checkpoints[n];
        return '<li>' + (c ? '&#9745; ' : '&#9744; ') + esc(n) + (c ? ' <small>' + esc(c.reachedAt) + ' · ' +
          esc(JSON.stringify(c.evidence)).slice(0, 400) + '</small>' : '') + '</li>';
      }).join('') + '</ul></section>' +
      '<section><h2>Timeline</h2><ol class="timeline" data-testid="timeline">' + events.map(function (e) {
        return '<li><time>' + esc((e.time || '').replace('T', ' ').slice(0, 19)) + '</time>' + esc(describe(e)) + '</li>';
      }).join('') + '</ol></section>' +
      '<section class="plan"><h2>Plan</h2><div id="plan">' + (planHtml[m.id] || (m.risk ? 'Loading the plan…' : 'Not planned yet.')) +
      '</div></section>';
    document.getElementById('reason').value = reasonValue;
    drawProgress(progress);
    main.querySelectorAll('button[data-action]').forEach(function (button) {
      button.addEventListener('click', function () { act(m.id, button.getAttribute('data-action')); });
    });
    if (m.links && m.links.plan && m.risk && !planHtml[m.id]) {
      fetch(m.links.plan, { headers: token() ? { 'Authorization': 'Bearer ' + token() } : {} })
        .then(function (r) { return r.ok ? r.text() : ''; })
        .then(function (md) {
          if (!md) return;
          planHtml[m.id] = window.renderMarkdown(md);
          var box = document.getElementById('plan');
          if (box) box.innerHTML = planHtml[m.id];
        });
    }
  }

  function describe(e) {
    var d = e.data || {};
    var type = e.type.replace('io.dbshift.', '');
    switch (type) {
      case 'MigrationPhaseChanged': return (d.from || 'new') + ' → ' + d.to + (d.reason ? ': ' + d.reason : '');
      case 'StepStarted': return 'started ' + d.stepId + ' on ' + d.target;
      case 'StepCompleted': return 'finished ' + d.stepId + ': ' + (d.summary || '');
      case 'CheckpointReached': return 'checkpoint: ' + d.checkpoint;
      case 'MigrationHeld': return 'waits for ' + String(d.waitingFor).toLowerCase() + ': ' + d.reason;
      case 'OperatorDecision': return d.action + ' by ' + d.by + (d.reason ? ': ' + d.reason : '');
      case 'MigrationFailed': return 'failed at ' + d.stepId + ': ' + d.reason;
      case 'MigrationCompleted': return 'completed in ' + Math.round(d.durationMs / 1000) + ' s';
      default: return type;
    }
  }

  function act(id, action) {
    var reason = document.getElementById('reason').value.trim();
    if (!reason) { showError('Say why in the reason box: it is recorded with your name.'); return; }
    var body = action === 'rollback' ? { requestedBy: me.name, reason: reason } : { reason: reason };
    api('POST', '/migrations/' + encodeURIComponent(id) + '/' + action, body)
      .then(function () { showError(null); document.getElementById('reason').value = ''; route(); })
      .catch(showError);
  }

  document.getElementById('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    localStorage.setItem('dbshift.token', document.getElementById('token').value.trim());
    document.getElementById('token').value = '';
    route();
  });
  window.addEventListener('hashchange', route);
  route();
})();
