/* Perennial console: confirmations, live job progress, copy buttons. No framework; every page works without it. */
(function () {
  'use strict';

  // Forms with data-confirm ask before submitting.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      e.preventDefault();
    }
  });

  // Selects with data-autosubmit submit their form on change.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });

  // Copy buttons: data-copy="#selector".
  document.querySelectorAll('[data-copy]').forEach(function (b) {
    b.addEventListener('click', function () {
      var el = document.querySelector(b.getAttribute('data-copy'));
      if (el && navigator.clipboard) {
        navigator.clipboard.writeText(el.textContent).then(function () { b.textContent = 'Copied'; });
      }
    });
  });

  function status(text) {
    var s = document.getElementById('live-status');
    if (s) { s.textContent = text; }
  }

  function getJson(url) {
    return fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' }).then(function (r) {
      if (r.redirected || r.status === 401 || r.status === 403) { throw new Error('session expired: reload the page'); }
      return r.json();
    });
  }

  function setBar(bar, progress) {
    var box = bar.parentElement;
    if (progress < 0) {
      box.classList.add('indeterminate');
      box.setAttribute('aria-valuenow', '0');
    } else {
      box.classList.remove('indeterminate');
      bar.style.width = (progress * 100).toFixed(1) + '%';
      box.setAttribute('aria-valuenow', (progress * 100).toFixed(0));
    }
  }

  function setState(el, state) {
    el.textContent = state;
    el.className = el.className.replace(/\bst-\w+/g, '') + ' st-' + state;
  }

  // Jobs list: poll the console's JSON endpoint and update state, bar, loss, attempt.
  var table = document.querySelector('table[data-poll]');
  if (table) {
    var url = table.getAttribute('data-poll');
    var tick = function () {
      getJson(url).then(function (data) {
        if (data.error) { status('live updates paused: ' + data.error); return; }
        data.items.forEach(function (job) {
          var row = table.querySelector('tr[data-job="' + job.id + '"]');
          if (!row) { return; }
          setState(row.querySelector('[data-field=state]'), job.state);
          setBar(row.querySelector('[data-field=bar]'), job.progress);
          row.querySelector('[data-field=loss]').textContent = job.loss;
          row.querySelector('[data-field=attempt]').textContent = job.attempt;
          if (job.totalSteps) {
            row.querySelector('[data-field=steps]').textContent = job.step + ' / ' + job.totalSteps;
          }
        });
        status('updated ' + new Date().toLocaleTimeString());
      }).catch(function (err) { status('live updates paused: ' + err.message); });
    };
    setInterval(tick, 2000);
  }

  // Job detail: poll the job, redraw the loss curve (server-drawn SVG) until the job ends.
  var main = document.querySelector('main[data-job-poll]');
  if (main) {
    var jobUrl = main.getAttribute('data-job-poll');
    var timer = setInterval(function () {
      getJson(jobUrl).then(function (job) {
        if (job.error) { status('live updates paused: ' + job.error); return; }
        var state = document.getElementById('job-state');
        if (state) { setState(state, job.state); }
        var bar = document.getElementById('job-bar');
        if (bar) { setBar(bar, job.progress); }
        var set = function (id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } };
        set('job-loss', job.loss);
        set('job-attempt', job.attempt);
        set('job-heartbeat', job.heartbeat);
        if (job.totalSteps) { set('job-steps', job.step + ' / ' + job.totalSteps); }
        if (job.message) { set('job-message', job.message); }
        var chart = document.getElementById('loss-chart');
        if (chart && job.lossSvg) { chart.innerHTML = job.lossSvg; }
        status(job.terminal ? '(finished)' : '(live)');
        if (job.terminal) { clearInterval(timer); }
      }).catch(function (err) { status('live updates paused: ' + err.message); });
    }, 2000);
  }
})();
