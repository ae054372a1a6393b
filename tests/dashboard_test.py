#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The dashboard in a real browser (issue 17, docs/dashboard.md).

Debian's chromium, headless, driven through chromium-driver (WebDriver) with
python3-selenium, against `drawdown serve` on the Niger example's first week
on an ephemeral loopback port. Each role logs in and sees only its pages;
the host liaison approves one request and denies another with a reason and
the planner's open overview and clearance desk show both within 2 s without
reload; movement control records a departure of a sortie the plan does not
have and sees the located error beside the field; the commander accepts the
new plan. Screenshots of every page go to OUT/dashboard-shots/.

usage: dashboard_test.py DRAWDOWN EXAMPLE_DIR OUT_DIR
Exit 77 (CTest's SKIP_RETURN_CODE) when chromium, chromedriver or selenium is
missing. Everything it writes, but the screenshots, is in its own temporary
folder, removed at the end; it ends every process it started.
"""
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
PASSWORD = 'a long passphrase for tests'
ROLES = {  # user: role, the pages the role must see (docs/dashboard.md)
    'pat': ('planner', ['overview', 'clearances', 'record', 'sorties', 'exits', 'ramp',
                        'newplan', 'downloads']),
    'cam': ('commander', ['overview', 'clearances', 'sorties', 'exits', 'ramp', 'newplan',
                          'downloads']),
    'mo': ('movement', ['overview', 'clearances', 'record', 'sorties', 'exits', 'ramp']),
    'hal': ('host-liaison', ['overview', 'clearances', 'exits']),
    'ray': ('ramp', ['ramp']),
    'vic': ('viewer', ['overview']),
}
DEADLINE = time.monotonic() + 300  # the whole test, however loaded the machine
LIVE_LIMIT_MS = 2000
# the page's controls with no accessible name, or taken out of the tab order
AUDIT = '''
const bad = [];
for (const e of document.querySelectorAll('main input, main select, main button, main a, nav a')) {
  if (e.closest('[hidden]')) continue;
  const named = e.getAttribute('aria-label') || (e.labels && e.labels.length) ||
                e.textContent.trim();
  if (!named || e.tabIndex < 0) bad.push(e.outerHTML.slice(0, 80));
}
return bad;
'''


def log(*a):
    print('dashboard_test:', *a, flush=True)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    drawdown, example, out = (os.path.abspath(a) for a in sys.argv[1:])
    try:
        from selenium import webdriver  # noqa: F401
    except ImportError:
        log('skipped: python3-selenium is not installed')
        return SKIP
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    driver_bin = shutil.which('chromedriver')
    if not chromium or not driver_bin:
        log('skipped: chromium or chromedriver is not installed')
        return SKIP
    tmp = tempfile.mkdtemp(prefix='dd-dashboard-')
    procs, drivers = [], []
    # stopped (CTest's time-out, ^C): what it started is ended all the same
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        return run(drawdown, example, out, tmp, chromium, driver_bin, procs, drivers)
    finally:
        for d in drivers:
            try:
                d.quit()
            except Exception:  # the browser may be gone already
                pass
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def run(drawdown, example, out, tmp, chromium, driver_bin, procs, drivers):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    env = dict(os.environ, DRAWDOWN_KEYS=os.path.join(tmp, 'keys'), HOME=tmp,
               XDG_CONFIG_HOME=os.path.join(tmp, 'config'),
               XDG_CACHE_HOME=os.path.join(tmp, 'cache'), TMPDIR=tmp)
    shots = os.path.join(out, 'dashboard-shots')
    os.makedirs(shots, exist_ok=True)
    if os.path.exists(os.path.join(shots, 'failed.png')):
        os.remove(os.path.join(shots, 'failed.png'))  # of an earlier run

    def dd(*args, stdin=None):
        r = subprocess.run([drawdown, *args], input=stdin, env=env, cwd=tmp,
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError('drawdown %s: %s' % (' '.join(args), r.stderr))
        return r.stdout

    logf = os.path.join(tmp, 'niger.log')
    users = os.path.join(tmp, 'users.db')
    dd('keys', 'new', 'test')
    dd('track', 'start', logf, os.path.join(example, 'scenario.yaml'))
    dd('track', 'add', logf, os.path.join(example, 'events-week1.csv'))
    for name, (role, _) in ROLES.items():
        dd('users', 'add', users, name, '--role', role, stdin=PASSWORD + '\n')
    # a simulation for the overview's P(deadline) and risk chart
    sim = os.path.join(tmp, 'sim.json')
    dd('simulate', os.path.join(example, 'scenario.yaml'), '--replications', '100',
       '--threads', '1', '-o', sim)

    serve_err = open(os.path.join(tmp, 'serve.err'), 'w')
    srv = subprocess.Popen([drawdown, 'serve', logf, '--users', users, '--listen',
                            '127.0.0.1:0', '--sim', sim], env=env, cwd=tmp, stdout=subprocess.PIPE,
                           stderr=serve_err, text=True)
    procs.append(srv)
    ready, _, _ = select.select([srv.stdout], [], [], 60)
    line = srv.stdout.readline() if ready else ''
    # "Serving LOG on http://127.0.0.1:PORT/api/v1/ (Ctrl-C stops)"
    if 'http://127.0.0.1:' not in line:
        raise AssertionError('the server did not start: %r' % line)
    base = line.split('http://', 1)[1].split('/', 1)[0]
    base = 'http://' + base
    log('server at', base)

    # the files: their types, the page's policy, nothing else answered
    import urllib.error
    import urllib.request
    for path, ctype in (('/', 'text/html'), ('/assets/app.js', 'text/javascript'),
                        ('/assets/app.css', 'text/css')):
        with urllib.request.urlopen(base + path, timeout=30) as r:
            csp = r.headers.get('Content-Security-Policy', '')
            if not r.headers.get('Content-Type', '').startswith(ctype) or \
                    "script-src 'self'" not in csp or "default-src 'none'" not in csp or \
                    'unsafe' in csp or r.headers.get('X-Content-Type-Options') != 'nosniff':
                raise AssertionError('%s: %s' % (path, dict(r.headers)))
    for path in ('/assets/nope.js', '/assets/../index.html', '/index.html', '/assets/'):
        try:
            urllib.request.urlopen(base + path, timeout=30)
            raise AssertionError(path + ' answered')
        except urllib.error.HTTPError as e:
            if e.code not in (400, 404):
                raise AssertionError('%s: %d' % (path, e.code))

    def browser():
        o = Options()
        o.binary_location = chromium
        prof = tempfile.mkdtemp(prefix='chromium-', dir=tmp)
        for a in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                  '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync',
                  '--disable-dev-shm-usage', '--disable-extensions',
                  '--disable-background-timer-throttling',
                  '--disable-renderer-backgrounding',
                  '--disable-backgrounding-occluded-windows',
                  '--window-size=1280,800', '--user-data-dir=' + prof):
            o.add_argument(a)
        # the browser's own files (crash reports, dconf) under the temp folder too
        svc = Service(executable_path=driver_bin, log_path=os.path.join(tmp, 'driver.log'),
                      env=env)
        d = webdriver.Chrome(service=svc, options=o)
        drivers.append(d)
        d.set_page_load_timeout(60)
        d.set_script_timeout(30)
        return d

    def wait(d, cond, what, seconds=30):
        left = max(1.0, min(seconds, DEADLINE - time.monotonic()))
        try:
            return WebDriverWait(d, left, poll_frequency=0.05).until(lambda x: cond(x))
        except Exception:
            shot(d, 'failed')
            raise AssertionError('timed out waiting for ' + what)

    def shot(d, name):
        d.save_screenshot(os.path.join(shots, name + '.png'))

    def text(d, css):
        els = d.find_elements(By.CSS_SELECTOR, css)
        return els[0].text if els else ''

    def login(d, user):
        d.get(base + '/')
        wait(d, lambda x: x.find_element(By.ID, 'login-user').is_displayed()
             or x.find_element(By.ID, 'nav').is_displayed(), 'the page')
        if d.find_element(By.ID, 'nav').is_displayed():  # still logged in: out first
            d.find_element(By.ID, 'logout').click()
            wait(d, lambda x: x.find_element(By.ID, 'login-user').is_displayed(), 'the login')
        d.find_element(By.ID, 'login-user').send_keys(user)
        d.find_element(By.ID, 'login-password').send_keys(PASSWORD)
        d.find_element(By.CSS_SELECTOR, '#login-form button[type=submit]').click()
        wait(d, lambda x: x.find_element(By.ID, 'nav').is_displayed(), 'the pages of ' + user)

    def page(d, pid, ready_css):
        d.execute_script('location.hash = arguments[0]', pid)
        wait(d, lambda x: x.execute_script(
            "const s = document.getElementById('page');"
            "return s.dataset.page === arguments[0] && !!s.querySelector(arguments[1]);",
            pid, ready_css), 'page ' + pid)

    def type_into(d, eid, keys):
        # a live redraw may replace the field while it is typed into: again
        from selenium.common.exceptions import StaleElementReferenceException
        for _ in range(10):
            try:
                e = d.find_element(By.ID, eid)
                e.clear()
                e.send_keys(keys)
                if d.find_element(By.ID, eid).get_attribute('value') == keys:
                    return
            except StaleElementReferenceException:
                pass
            time.sleep(0.2)
        raise AssertionError('could not type into ' + eid)

    def nav_ids(d):
        return [a.get_attribute('id')[4:] for a in
                d.find_elements(By.CSS_SELECTOR, '#nav a')]

    READY = {'overview': '#verdict', 'clearances': '#pending table',
             'record': '#rec-form', 'sorties': 'table', 'exits': 'table',
             'ramp': 'table', 'newplan': '#plan-summary', 'downloads': '#dl-pdf'}

    t0 = time.monotonic()
    a = browser()
    log('browser up in %.1f s' % (time.monotonic() - t0))
    a.get(base + '/')
    wait(a, lambda x: x.find_element(By.ID, 'login-user').is_displayed(), 'the login page')
    shot(a, 'login')

    # each role sees only its pages; a page it may not see is not drawn
    for user, (role, pages) in ROLES.items():
        login(a, user)
        got = nav_ids(a)
        if got != pages:
            raise AssertionError('%s sees %s, expected %s' % (role, got, pages))
        for pid in ('record', 'newplan', 'ramp', 'overview'):
            if pid not in pages:
                a.execute_script('location.hash = arguments[0]', pid)
                wait(a, lambda x: x.execute_script(
                    "return document.getElementById('page').dataset.page !== arguments[0]"
                    " && location.hash !== '#' + arguments[0];", pid), role + ' kept off ' + pid)
        if role in ('planner',):
            for pid in pages:
                page(a, pid, READY[pid])
                if pid == 'overview':  # the simulation, and the briefing's charts
                    wait(a, lambda x: 'P(deadline) 100%' in text(x, '#risk') and
                         'P(every term)' in text(x, '#risk'), 'P(deadline) on the overview')
                    for chart in ('burndown', 'risk'):
                        wait(a, lambda x: x.execute_script(
                            "const i = document.getElementById(arguments[0]);"
                            "return !!i && i.complete && i.naturalWidth > 0;", 'chart-' + chart),
                            'the %s chart drawn' % chart)
                    a.execute_script("document.getElementById('chart-burndown').scrollIntoView()")
                    shot(a, 'planner-overview-charts')
                    a.execute_script("window.scrollTo(0, 0)")
                if pid == 'exits':  # the augmentees and their entry requests
                    wait(a, lambda x: 'Entry request by' in text(x, '#page'), 'the arrivals')
                if pid == 'sorties':  # an aborted sortie's load and manifest
                    a.execute_script("document.querySelector('[aria-controls=load-6]').click()")
                    wait(a, lambda x: '101-OPS-STAFF' in text(x, '#aboard-6'), 'the manifest')
                shot(a, '%s-%s' % (role, pid))
                # every control is reached by the keyboard and has a name
                bad = a.execute_script(AUDIT)
                if bad:
                    raise AssertionError('%s: controls without a name or the keyboard: %s'
                                         % (pid, bad))
                if pid == 'newplan':  # the requests to file anew, further down
                    a.execute_script("document.querySelector('[data-live=anew]').scrollIntoView()")
                    shot(a, 'planner-newplan-requests')
        else:
            page(a, pages[0], READY[pages[0]])
            shot(a, '%s-%s' % (role, pages[0]))
        if role == 'host-liaison':
            page(a, 'clearances', READY['clearances'])
            shot(a, 'host-liaison-clearances')
            # the arrivals and their entry requests, counts per day
            page(a, 'exits', READY['exits'])
            wait(a, lambda x: 'People entering' in text(x, '#page') and
                 'Entry request by' in text(x, '#page'), 'the host\'s arrivals')
            if 'Group' in text(a, '#page thead') or 'AUG' in text(a, '#page'):
                raise AssertionError('the host liaison sees the arriving groups')
            shot(a, 'host-liaison-exits')
        log('%s: %s' % (role, ' '.join(got)))

    # first paint of the overview, logged in, page loaded afresh
    login(a, 'pat')
    a.get(base + '/#overview')
    wait(a, lambda x: x.execute_script(
        "return performance.getEntriesByName('dd-overview').length > 0"), 'the overview')
    paint = a.execute_script("return performance.getEntriesByName('dd-overview')[0].startTime")
    log('overview drawn %.0f ms after the navigation began (Niger log)' % paint)

    # the planner keeps the overview and the clearance desk open (two windows)
    p = browser()
    login(p, 'pat')
    page(p, 'overview', READY['overview'])
    wins = {'overview': p.current_window_handle}
    p.switch_to.new_window('window')
    wins['clearances'] = p.current_window_handle
    p.get(base + '/#clearances')
    wait(p, lambda x: x.execute_script(
        "const s = document.getElementById('page');"
        "return s.dataset.page === 'clearances' && !!s.querySelector('#req-19')"),
        'the planner\'s clearance desk')
    watch = ("window.__seen = null; const ok = () => { const t = document.body.textContent;"
             " return arguments[0].every((w) => t.includes(w)); };"
             " new MutationObserver(() => { if (!window.__seen && ok()) window.__seen = Date.now(); })"
             ".observe(document.body, {childList: true, subtree: true, characterData: true});")
    p.switch_to.window(wins['overview'])
    p.execute_script(watch, ['clearance-approved 19', 'clearance-denied 20', 'runway works'])
    p.switch_to.window(wins['clearances'])
    p.execute_script("window.__seen = null; new MutationObserver(() => {"
                     " const a = document.querySelector('#dec-19'), d = document.querySelector('#dec-20');"
                     " if (!window.__seen && a && d && !document.querySelector('#req-19')"
                     " && !document.querySelector('#req-20') && a.textContent.includes('approved')"
                     " && d.textContent.includes('runway works')) window.__seen = Date.now(); })"
                     ".observe(document.body, {childList: true, subtree: true});")

    # the host liaison decides
    login(a, 'hal')
    page(a, 'clearances', '#req-19')
    type_into(a, 'reason-20', 'runway works')
    # when the server answered the denial: the decision is then in the log
    a.execute_script("const f = window.fetch; window.__answered = 0;"
                     " window.fetch = async (...x) => { const r = await f(...x);"
                     " if (String(x[0]).endsWith('/deny')) window.__answered = Date.now();"
                     " return r; };")
    t_click = a.execute_script("const t = Date.now();"
                               " document.getElementById('approve-19').click(); return t;")
    wait(a, lambda x: not x.find_elements(By.ID, 'req-19'), 'the approval on the host\'s desk')
    t_deny = a.execute_script("const t = Date.now();"
                              " document.getElementById('deny-20').click(); return t;")
    wait(a, lambda x: not x.find_elements(By.ID, 'req-20'), 'the denial on the host\'s desk')
    shot(a, 'host-liaison-decided')
    t_answer = a.execute_script('return window.__answered')
    for w in ('overview', 'clearances'):
        p.switch_to.window(wins[w])
        wait(p, lambda x: x.execute_script('return window.__seen'), 'both decisions on the '
             'planner\'s ' + w, seconds=20)
        seen = p.execute_script('return window.__seen')
        ms = seen - t_click
        log('planner\'s %s showed both decisions %d ms after the host clicked approve, '
            '%d ms after deny, %d ms after the server answered the denial' %
            (w, ms, seen - t_deny, seen - t_answer))
        # from the decision recorded (the server's answer): the disk sync of
        # a loaded machine is the server's, not the page's
        if seen - t_answer > LIVE_LIMIT_MS:
            raise AssertionError('the planner\'s %s took %d ms (limit %d)' %
                                 (w, seen - t_answer, LIVE_LIMIT_MS))
        shot(p, 'planner-%s-live' % w)
        if p.execute_script('return performance.getEntriesByType("navigation").length') != 1:
            raise AssertionError('the page was reloaded')

    # movement control: a departure of a sortie the plan does not have
    login(a, 'mo')
    page(a, 'record', '#rec-form')
    type_into(a, 'rec-subject', '999')
    a.execute_script("document.getElementById('rec-submit').click()")
    wait(a, lambda x: text(x, '#rec-subject-error'), 'the located error')
    err = text(a, '#rec-subject-error')
    if 'no sortie 999' not in err or \
            a.find_element(By.ID, 'rec-subject').get_attribute('aria-invalid') != 'true':
        raise AssertionError('the error beside the sortie field: %r' % err)
    log('movement sees beside the sortie field: %s' % err)
    shot(a, 'movement-record-error')

    # the commander accepts the new plan
    login(a, 'cam')
    page(a, 'newplan', '#accept')
    a.execute_script("document.getElementById('accept').click()")
    wait(a, lambda x: 'Accepted as the approved plan' in text(x, '#accept-result'),
         'the new plan accepted')
    shot(a, 'commander-newplan-accepted')
    log('commander: %s' % text(a, '#accept-result'))

    # tablet width and print: the overview still lays out
    a.set_window_size(800, 1100)
    page(a, 'overview', '#verdict')
    shot(a, 'commander-overview-tablet')
    if a.execute_script('return document.documentElement.scrollWidth') > 820:
        raise AssertionError('the overview is wider than a tablet')
    # printed: the bar, the buttons and the forms are left out
    a.set_window_size(1280, 800)
    a.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': 'print'})
    from selenium.common.exceptions import StaleElementReferenceException

    def printed(x):
        # a live redraw may replace the verdict between the look-up and
        # the look: look again (a print sheet that shows the bar, or hides
        # the verdict, still times out)
        try:
            return not x.find_element(By.ID, 'nav').is_displayed() and \
                x.find_element(By.ID, 'verdict').is_displayed()
        except StaleElementReferenceException:
            return False
    wait(a, printed, 'the print stylesheet')
    shot(a, 'commander-overview-print')
    a.execute_cdp_cmd('Emulation.setEmulatedMedia', {'media': ''})
    log('passed in %.1f s; screenshots in %s' % (time.monotonic() - t0, shots))
    return 0


if __name__ == '__main__':
    sys.exit(main())
