/**
 * The emulator's own Visualforce JavaScript remoting library (`Visualforce.remoting.Manager`), served
 * at VF_REMOTE_SCRIPT_PATH where Salesforce serves its remoting script, written from Salesforce's
 * documentation (an independent implementation, not Salesforce's code):
 *
 *     Visualforce.remoting.Manager.invokeAction(action, ...params, callback(result, event), { escape, buffer, timeout })
 *
 * `action` is the resolved `{!$RemoteAction.Class.method}` name (`ns.Class.method` in a namespace);
 * `event` has `status` (true on success), `type` ('rpc', or 'exception' when the method threw or the
 * call failed), `message`, `where`, `statusCode`, `tid`, `action`, `method`. With `escape` (the
 * default) strings in the result are HTML-escaped, as Salesforce does. `timeout` is in milliseconds,
 * at most 120 000 (default 30 000).
 *
 * The page hands the library its providers in a JSON data block (`<script type="application/json"
 * id="vf-remoting-providers">`), not in an inline script: the connector page's policy allows no
 * inline script. Each action carries its CSRF token; the page's `vid` and session go with every
 * call (visualforce-remoting.ts).
 */
export const VF_REMOTE_SCRIPT_PATH = '/jslibrary/1733529600000/sfdc/VFRemote.js';
export const VF_PROVIDERS_ID = 'vf-remoting-providers';

export const VF_REMOTE_SCRIPT = `(function () {
  'use strict';
  var MAX_TIMEOUT = 120000;
  var DEFAULT_TIMEOUT = 30000;
  var node = document.getElementById(${JSON.stringify(VF_PROVIDERS_ID)});
  var providers = node ? JSON.parse(node.textContent || '{}') : {};
  var actions = providers.actions || {};
  var tid = 0;

  function find(name) {
    var parts = String(name).split('.');
    if (parts.length < 2) return undefined;
    var method = parts.pop();
    var list = actions[parts.join('.')];
    if (!list) return undefined;
    for (var i = 0; i < list.ms.length; i++) if (list.ms[i].name === method) return { cls: parts.join('.'), method: method, spec: list.ms[i] };
    return undefined;
  }

  function escapeValue(value) {
    if (typeof value === 'string') return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    if (Array.isArray(value)) return value.map(escapeValue);
    if (value && typeof value === 'object') {
      var out = {};
      for (var k in value) if (Object.prototype.hasOwnProperty.call(value, k)) out[k] = escapeValue(value[k]);
      return out;
    }
    return value;
  }

  function invokeAction(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var options = {};
    if (args.length >= 2 && typeof args[args.length - 2] === 'function' && args[args.length - 1] !== null && typeof args[args.length - 1] === 'object') options = args.pop();
    var callback = args.pop();
    if (typeof callback !== 'function') throw new Error('Visualforce remoting: ' + name + ' needs a callback function after its parameters.');
    var action = find(name);
    if (!action) throw new Error('Visualforce remoting: no remote action ' + name + ' on this page (is the class the page\\'s controller or extension, and the method @RemoteAction?).');
    var id = ++tid;
    var finish = function (result, event) {
      var e = { status: event.status, type: event.type, message: event.message, where: event.where || '', statusCode: event.statusCode, tid: id, action: action.cls, method: action.method };
      callback(result, e);
    };
    if (args.length !== action.spec.len) {
      setTimeout(function () { finish(null, { status: false, type: 'exception', statusCode: 400, message: 'Parameter length does not match remote action parameters: expected ' + action.spec.len + ' parameters, got ' + args.length }); }, 0);
      return;
    }
    var timeout = Math.min(typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : DEFAULT_TIMEOUT, MAX_TIMEOUT);
    var escape = options.escape !== false;
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, timeout);
    fetch(providers.service, {
      method: 'POST',
      credentials: 'same-origin',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + providers.vf.sid, 'x-user-agent': 'Visualforce-Remoting' },
      body: JSON.stringify({ action: action.cls, method: action.method, data: args.length ? args : null, type: 'rpc', tid: id, ctx: { csrf: action.spec.csrf, vid: providers.vf.vid, ns: action.spec.ns, ver: action.spec.ver } }),
    }).then(function (response) {
      return response.json();
    }).then(function (list) {
      clearTimeout(timer);
      var r = Array.isArray(list) ? list[0] : list;
      if (!r || typeof r !== 'object') throw new Error('the server answered no remoting response');
      var ok = r.type === 'rpc' && r.statusCode === 200;
      finish(ok ? (escape ? escapeValue(r.result) : r.result) : null, { status: ok, type: r.type || 'exception', statusCode: r.statusCode, message: r.message || '', where: r.where });
    }).catch(function (error) {
      clearTimeout(timer);
      var aborted = controller.signal.aborted;
      finish(null, { status: false, type: 'exception', statusCode: aborted ? 408 : 503, message: aborted ? 'Remoting request timed out after ' + timeout + ' ms' : 'Unable to connect to the server (' + (error && error.message ? error.message : String(error)) + ')' });
    });
  }

  var root = window.Visualforce = window.Visualforce || {};
  root.remoting = { Manager: { invokeAction: invokeAction }, timeout: DEFAULT_TIMEOUT };
})();
`;
