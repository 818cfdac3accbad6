// The Strata web console: a hash-routed page over the JSON API of /api/console/. Every value shown comes from the
// cluster and may be hostile (topic names, keys, values, headers): it is only ever put into the page as text
// (textContent, attribute values via setAttribute), never as markup. Changes are POSTs/DELETEs carrying the
// X-Strata-Console header the server requires, each behind a confirmation step.
'use strict';

const API = '/api/console';
const PAGE = 50;
let timer = null;            // the current view's refresh timer
let confirmAction = null;    // what the confirmation dialog does on "Confirm"

// ---- DOM helpers: text only -------------------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const dash = v => (v === null || v === undefined ? '–' : v);
const view = () => document.getElementById('view');
function show(...nodes) { view().replaceChildren(...nodes); }
function table(headers, rows, id) {
  return el('table', {id},
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {class: h.num ? 'num' : null}, h.label || h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', {colspan: headers.length, class: 'muted'}, 'none'))));
}
const num = v => el('td', {class: 'num'}, dash(v));
function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}
function notice(text, error) {
  const n = document.getElementById('notice');
  n.textContent = text;
  n.className = error ? 'error' : '';
  n.hidden = !text;
}

// ---- API --------------------------------------------------------------------------------------------------------
async function api(path, params, method, form) {
  const query = params ? '?' + new URLSearchParams(params) : '';
  const init = {method: method || 'GET', headers: {}};
  if (method && method !== 'GET') init.headers['X-Strata-Console'] = '1';
  if (form) {
    init.body = new URLSearchParams(form);
    init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(API + path + query, init);
  const body = await response.json().catch(() => ({error: response.statusText}));
  if (!response.ok) throw new Error(body.error + (body.code ? ' (' + body.code + ')' : ''));
  return body;
}

function pager(page, onPage) {
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  return el('div', {class: 'pager'},
    el('button', {type: 'button', disabled: page.page <= 0, onclick: () => onPage(page.page - 1)}, '‹ Prev'),
    el('span', {class: 'muted'}, `page ${page.page + 1} of ${pages} (${page.total})`),
    el('button', {type: 'button', disabled: page.page + 1 >= pages, onclick: () => onPage(page.page + 1)}, 'Next ›'));
}

// ---- confirmation dialog ----------------------------------------------------------------------------------------
function confirmStep(title, body, action, typed) {
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-body').replaceChildren(...[body].flat());
  const typedLabel = document.getElementById('confirm-typed');
  const input = document.getElementById('confirm-input');
  const yes = document.getElementById('confirm-yes');
  typedLabel.hidden = !typed;
  input.value = '';
  document.getElementById('confirm-expected').textContent = typed || '';
  yes.disabled = !!typed;
  input.oninput = () => { yes.disabled = input.value !== typed; };
  confirmAction = action;
  document.getElementById('confirm').hidden = false;
  (typed ? input : yes).focus();
}
function closeConfirm() { document.getElementById('confirm').hidden = true; confirmAction = null; }

// ---- charts -----------------------------------------------------------------------------------------------------
function chart(series, width, height, id) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  if (id) svg.setAttribute('id', id);
  const all = series.flatMap(s => s.points);
  const max = Math.max(1, ...all);
  for (const s of series) {
    if (s.points.length < 2) continue;
    const step = (width - 8) / (s.points.length - 1);
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', s.points.map((v, i) =>
      (4 + i * step).toFixed(1) + ',' + (height - 4 - (v / max) * (height - 8)).toFixed(1)).join(' '));
    line.setAttribute('stroke', s.color);
    svg.append(line);
  }
  return svg;
}
function legend(series, fmt) {
  return el('div', {class: 'legend'}, series.map(s => {
    const sw = el('span', {class: 'sw'});
    sw.style.background = s.color;
    const last = s.points.length ? s.points[s.points.length - 1] : null;
    const value = last === null ? '–' : fmt(last) + ' (peak ' + fmt(Math.max(...s.points)) + ')';
    return el('span', {}, sw, s.label + ': ' + value);
  }));
}

// ---- overview ---------------------------------------------------------------------------------------------------
async function overviewView() {
  const o = await api('/overview');
  document.getElementById('cluster-id').textContent = 'cluster ' + o.clusterId + ' · node ' + o.nodeId;
  const card = (k, v, bad) => el('div', {class: 'card' + (bad ? ' bad' : '')}, el('div', {class: 'v'}, dash(v)),
    el('div', {class: 'k'}, k));
  const series = [
    {label: 'bytes in/s', color: '#2b59c3', points: o.throughput.map(t => t.bytesIn)},
    {label: 'bytes out/s', color: '#1e8449', points: o.throughput.map(t => t.bytesOut)},
  ];
  const q = o.quorum;
  show(el('h2', {}, 'Cluster overview'),
    el('div', {class: 'cards', id: 'overview-cards'},
      card('brokers', o.brokers.length), card('controller', o.controller), card('topics', o.topics),
      card('partitions', o.partitions),
      card('under-replicated', o.underReplicatedPartitions, o.underReplicatedPartitions > 0),
      card('offline', o.offlinePartitions, o.offlinePartitions > 0)),
    el('h3', {}, 'Throughput of node ' + o.nodeId + ' (last 5 minutes)'),
    chart(series, 600, 80, 'throughput-chart'), legend(series, v => bytes(v) + '/s'),
    el('h3', {}, 'Brokers'),
    table(['Id', 'Endpoints', 'Rack', 'State'], o.brokers.map(b => el('tr', {},
      el('td', {}, b.id), el('td', {}, b.endpoints.join(', ')), el('td', {}, dash(b.rack)),
      el('td', {}, el('span', {class: 'pill ' + (b.state === 'running' ? 'ok' : 'bad')}, b.state)))), 'brokers'),
    el('h3', {}, 'Metadata quorum'),
    q ? el('div', {},
      el('p', {class: 'muted'}, `leader ${q.leaderId}, epoch ${q.leaderEpoch}, high watermark ${q.highWatermark}`),
      table(['Node', 'Role', {label: 'Log end', num: 1}, {label: 'Lag', num: 1}], q.replicas.map(r => el('tr', {},
        el('td', {}, r.nodeId), el('td', {}, r.role), num(r.logEndOffset), num(r.lag))))) :
      el('p', {class: 'muted'}, 'No quorum leader right now (an election is in progress).'),
    el('h3', {}, 'Versions'),
    el('p', {},
      `Strata ${o.version} · Kafka clients ${o.kafkaClientsVersion} · metadata offset ${o.metadataOffset}`));
  timer = setTimeout(() => route(true), 2000);
}

// ---- topics -----------------------------------------------------------------------------------------------------
async function topicsView(params) {
  const q = params.get('q') || '';
  const page = Number(params.get('page') || 0);
  const result = await api('/topics', {q, page, size: PAGE});
  const search = el('input', {id: 'topic-search', type: 'search', placeholder: 'search topics', value: q});
  search.addEventListener('keydown', e => {
    if (e.key === 'Enter') go('#/topics?' + new URLSearchParams({q: search.value}));
  });
  const name = el('input', {id: 'new-topic-name', required: true, placeholder: 'name'});
  const partitions = el('input', {id: 'new-topic-partitions', type: 'number', min: 1, placeholder: 'default'});
  const rf = el('input', {id: 'new-topic-rf', type: 'number', min: 1, placeholder: 'default'});
  const configs = el('input', {id: 'new-topic-configs', placeholder: 'retention.ms=86400000, …'});
  const values = () => {
    const f = {name: name.value.trim(), configs: configs.value};
    if (partitions.value) f.partitions = partitions.value;
    if (rf.value) f.replicationFactor = rf.value;
    return f;
  };
  const create = async e => {
    e.preventDefault();
    try {
      const f = values();
      await api('/topics', null, 'POST', {...f, validateOnly: 'true'});
      confirmStep('Create topic ' + f.name + '?',
        el('p', {}, `${f.partitions || 'default'} partition(s), replication factor ${f.replicationFactor || 'default'}` +
          (f.configs.trim() ? ', configs ' + f.configs : '') + '. The cluster validated this request.'),
        async () => {
          await api('/topics', null, 'POST', f);
          notice('Created topic ' + f.name);
          go('#/topic?' + new URLSearchParams({name: f.name}));
        });
    } catch (err) { notice(err.message, true); }
  };
  show(el('h2', {}, 'Topics'),
    el('form', {class: 'panel toolbar', id: 'create-topic-form', onsubmit: create},
      el('label', {}, 'New topic', name), el('label', {}, 'Partitions', partitions),
      el('label', {}, 'Replication factor', rf), el('label', {}, 'Configs', configs),
      el('button', {type: 'submit', class: 'primary', id: 'create-topic'}, 'Create…')),
    el('div', {class: 'toolbar'}, search),
    table(['Topic', {label: 'Partitions', num: 1}, {label: 'Replication', num: 1}, 'Health'],
      result.topics.map(t => el('tr', {'data-topic': t.name},
        el('td', {}, el('a', {href: '#/topic?' + new URLSearchParams({name: t.name})}, t.name),
          t.internal ? el('span', {class: 'pill'}, ' internal') : null),
        num(t.partitions), num(t.replicationFactor),
        el('td', {}, t.offline ? el('span', {class: 'pill bad'}, t.offline + ' offline') :
          t.underReplicated ? el('span', {class: 'pill bad'}, t.underReplicated + ' under-replicated') :
            el('span', {class: 'pill ok'}, 'ok')))), 'topics-table'),
    pager(result, p => go('#/topics?' + new URLSearchParams({q, page: p}))));
}

async function topicView(params) {
  const name = params.get('name');
  const page = Number(params.get('page') || 0);
  const t = await api('/topic', {name, page, size: PAGE, configs: 'true'});
  const p = t.partitionPage;
  const setInput = el('textarea', {id: 'config-set', rows: 2, cols: 40, placeholder: 'retention.ms=3600000'});
  const removeInput = el('input', {id: 'config-remove', placeholder: 'keys to reset to default'});
  const alter = async e => {
    e.preventDefault();
    const f = {name, set: setInput.value, remove: removeInput.value};
    try {
      await api('/topic/configs', null, 'POST', {...f, validateOnly: 'true'});
      confirmStep('Change configs of ' + name + '?',
        el('pre', {}, (f.set.trim() ? 'set: ' + f.set.trim() + '\n' : '') +
          (f.remove.trim() ? 'reset: ' + f.remove : '')),
        async () => {
          await api('/topic/configs', null, 'POST', f);
          notice('Configs of ' + name + ' changed');
          route();
        });
    } catch (err) { notice(err.message, true); }
  };
  const del = () => confirmStep('Delete topic ' + name + '?',
    el('p', {}, 'All its ' + t.partitions + ' partitions and their data are deleted. This cannot be undone.'),
    async () => { await api('/topic', {name}, 'DELETE'); notice('Deleted topic ' + name); go('#/topics'); }, name);
  show(el('h2', {}, 'Topic ', el('span', {id: 'topic-name'}, t.name)),
    el('p', {class: 'muted'}, `id ${t.id} · ${t.partitions} partitions · replication factor ${t.replicationFactor}`),
    el('div', {class: 'toolbar'},
      el('a', {href: '#/messages?' + new URLSearchParams({topic: name, partition: 0})}, 'Browse messages'),
      el('button', {type: 'button', class: 'danger', id: 'delete-topic', onclick: del}, 'Delete topic…')),
    el('h3', {}, 'Partitions'),
    table(['Partition', 'Leader', 'Replicas', 'ISR', {label: 'Start offset', num: 1}, {label: 'End offset', num: 1},
      {label: 'Size', num: 1}],
      p.items.map(r => el('tr', {},
        el('td', {}, el('a', {href: '#/messages?' + new URLSearchParams({topic: name, partition: r.partition})}, r.partition)),
        el('td', {}, r.offline ? el('span', {class: 'pill bad'}, 'offline') : r.leader),
        el('td', {}, r.replicas.join(', ')),
        el('td', {}, el('span', {class: 'pill ' + (r.isr.length < r.replicas.length ? 'bad' : 'ok')}, r.isr.join(', '))),
        num(r.logStartOffset), num(r.endOffset), el('td', {class: 'num'}, bytes(r.sizeBytes)))), 'partitions-table'),
    pager(p, n => go('#/topic?' + new URLSearchParams({name, page: n}))),
    el('h3', {}, 'Configs'),
    el('form', {class: 'panel toolbar', onsubmit: alter}, el('label', {}, 'Set', setInput),
      el('label', {}, 'Reset', removeInput), el('button', {type: 'submit', class: 'primary', id: 'alter-configs'}, 'Change…')),
    table(['Name', 'Value', 'Source'], t.configs.map(c => el('tr', {class: c.isDefault ? 'muted' : null},
      el('td', {}, c.name), el('td', {}, c.sensitive ? '(sensitive)' : dash(c.value)), el('td', {}, c.source))), 'configs-table'));
}

// ---- message browser --------------------------------------------------------------------------------------------
function decode(b64) {
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
function render(field, format) {
  if (!field) return el('span', {class: 'muted'}, 'null');
  const data = decode(field.base64);
  let text;
  if (format === 'hex') {
    text = Array.from(data, b => b.toString(16).padStart(2, '0')).join(' ');
  } else {
    text = new TextDecoder('utf-8', {fatal: false}).decode(data);
    if (format === 'json') {
      try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: shown as text */ }
    }
  }
  return el('pre', {}, text + (field.truncated ? ` … (${field.size} bytes, first ${data.length} shown)` : ''));
}

async function messagesView(params) {
  const state = {topic: params.get('topic') || '', partition: params.get('partition') || '0',
    from: params.get('from') || 'end', offset: params.get('offset') || '', timestamp: params.get('timestamp') || '',
    format: params.get('format') || 'text', limit: params.get('limit') || '20'};
  const topic = el('input', {id: 'msg-topic', value: state.topic, placeholder: 'topic', list: 'topic-names'});
  const partition = el('input', {id: 'msg-partition', type: 'number', min: 0, value: state.partition});
  const from = el('select', {id: 'msg-from'}, ['end', 'beginning', 'offset', 'timestamp'].map(v =>
    el('option', {value: v, selected: v === state.from}, v === 'end' ? 'latest' : v)));
  const offset = el('input', {id: 'msg-offset', type: 'number', min: 0, value: state.offset, placeholder: 'offset'});
  const timestamp = el('input', {id: 'msg-timestamp', type: 'datetime-local', step: 1});
  if (state.timestamp) {
    const local = Number(state.timestamp) - new Date().getTimezoneOffset() * 60000;
    timestamp.value = new Date(local).toISOString().slice(0, 19);
  }
  const format = el('select', {id: 'msg-format'},
    ['text', 'json', 'hex'].map(v => el('option', {value: v, selected: v === state.format}, v)));
  const limit = el('input', {id: 'msg-limit', type: 'number', min: 1, max: 100, value: state.limit});
  const tail = el('input', {id: 'msg-tail', type: 'checkbox'});
  const status = el('span', {class: 'muted', id: 'msg-status'});
  const body = el('tbody', {});
  const records = [];
  let next = null;
  const rows = () => body.replaceChildren(...(records.length ? records.map(r => el('tr', {'data-offset': r.offset},
    num(r.offset), el('td', {}, new Date(r.timestamp).toISOString()), el('td', {}, render(r.key, format.value)),
    el('td', {}, render(r.value, format.value)),
    el('td', {}, r.headers.map(h => el('div', {}, el('b', {}, h.key + ': '), render(h.value, format.value)))))) :
    [el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'no messages'))]));
  async function load(tailing) {
    const q = {topic: topic.value.trim(), partition: partition.value || 0, limit: limit.value || 20};
    if (!q.topic) return;
    if (tailing) { q.from = 'offset'; q.offset = next; } else {
      q.from = from.value;
      if (from.value === 'offset') q.offset = offset.value || 0;
      if (from.value === 'timestamp') q.timestamp = timestamp.value ? new Date(timestamp.value).getTime() : 0;
    }
    const r = await api('/messages', q);
    if (!tailing) records.length = 0;
    records.push(...r.records);
    if (records.length > 500) records.splice(0, records.length - 500);
    next = r.nextOffset;
    status.textContent = `partition ${r.partition}: offsets ${r.logStartOffset}–${r.endOffset}, showing ${records.length}`;
    rows();
  }
  function scheduleTail() {
    if (!tail.checked || !document.body.contains(tail)) return;
    timer = setTimeout(async () => {
      try { await load(true); } catch (err) { notice(err.message, true); }
      scheduleTail();
    }, 1000);
  }
  tail.addEventListener('change', () => { clearTimeout(timer); scheduleTail(); });
  format.addEventListener('change', rows);
  const submit = async e => {
    e.preventDefault();
    history.replaceState(null, '', '#/messages?' + new URLSearchParams({topic: topic.value.trim(),
      partition: partition.value || 0, from: from.value, offset: offset.value, format: format.value, limit: limit.value,
      timestamp: timestamp.value ? new Date(timestamp.value).getTime() : ''}));
    try { notice(''); await load(false); } catch (err) { notice(err.message, true); }
  };
  show(el('h2', {}, 'Messages'),
    el('form', {class: 'panel toolbar', id: 'messages-form', onsubmit: submit},
      el('label', {}, 'Topic', topic), el('label', {}, 'Partition', partition), el('label', {}, 'From', from),
      el('label', {}, 'Offset', offset), el('label', {}, 'Timestamp', timestamp), el('label', {}, 'Limit', limit),
      el('label', {}, 'Show as', format), el('button', {type: 'submit', class: 'primary', id: 'msg-load'}, 'Load'),
      el('label', {}, 'Live tail', tail)),
    status,
    el('table', {id: 'messages-table'}, el('thead', {}, el('tr', {}, el('th', {class: 'num'}, 'Offset'), el('th', {}, 'Timestamp'),
      el('th', {}, 'Key'), el('th', {}, 'Value'), el('th', {}, 'Headers'))), body));
  rows();
  if (state.topic) await load(false);
}

// ---- consumer groups --------------------------------------------------------------------------------------------
async function groupsView(params) {
  const q = params.get('q') || '';
  const page = Number(params.get('page') || 0);
  const result = await api('/groups', {q, page, size: PAGE});
  const search = el('input', {id: 'group-search', type: 'search', placeholder: 'search groups', value: q});
  search.addEventListener('keydown', e => {
    if (e.key === 'Enter') go('#/groups?' + new URLSearchParams({q: search.value}));
  });
  show(el('h2', {}, 'Consumer groups'), el('div', {class: 'toolbar'}, search),
    table(['Group', 'Type', 'Protocol', 'State'], result.groups.map(g => el('tr', {'data-group': g.groupId},
      el('td', {}, el('a', {href: '#/group?' + new URLSearchParams({id: g.groupId})}, g.groupId)),
      el('td', {}, dash(g.type)), el('td', {}, dash(g.protocol)), el('td', {}, dash(g.state)))), 'groups-table'),
    pager(result, p => go('#/groups?' + new URLSearchParams({q, page: p}))));
  timer = setTimeout(() => route(true), 5000);
}

const lagHistory = new Map(); // group id -> [{time, lag}], kept while the page is open
async function groupView(params, refresh) {
  const id = params.get('id');
  const page = Number(params.get('page') || 0);
  const g = await api('/group', {id, page, size: PAGE});
  const history = lagHistory.get(id) || [];
  history.push({time: Date.now(), lag: g.totalLag});
  if (history.length > 150) history.shift();
  lagHistory.set(id, history);
  const series = [{label: 'total lag', color: '#c0392b', points: history.map(h => h.lag)}];
  const p = g.partitionPage;
  const keepReset = refresh && document.getElementById('reset-form');
  const reset = keepReset || resetForm(id);
  show(el('h2', {}, 'Group ', el('span', {id: 'group-id'}, g.groupId)),
    el('div', {class: 'cards'},
      el('div', {class: 'card'}, el('div', {class: 'v', id: 'group-state'}, g.state), el('div', {class: 'k'}, 'state')),
      el('div', {class: 'card'}, el('div', {class: 'v'}, g.members.length), el('div', {class: 'k'}, 'members')),
      el('div', {class: 'card'}, el('div', {class: 'v', id: 'group-total-lag'}, g.totalLag), el('div', {class: 'k'}, 'total lag')),
      el('div', {class: 'card'}, el('div', {class: 'v'}, dash(g.coordinator)), el('div', {class: 'k'}, 'coordinator'))),
    el('h3', {}, 'Lag over time (while this page is open)'), chart(series, 600, 80, 'lag-chart'), legend(series, v => v),
    el('h3', {}, 'Members'),
    table(['Member', 'Client', 'Host', 'Assignment'], g.members.map(m => el('tr', {},
      el('td', {}, m.memberId), el('td', {}, m.clientId), el('td', {}, m.host),
      el('td', {}, Object.entries(m.assignment).map(([t, ps]) => t + ': ' + ps.join(',')).join('; ')))), 'members-table'),
    el('h3', {}, 'Offsets and lag'),
    table(['Topic', {label: 'Partition', num: 1}, {label: 'Committed', num: 1}, {label: 'End offset', num: 1},
      {label: 'Lag', num: 1}, 'Member'], p.items.map(r => el('tr', {'data-partition': r.topic + '-' + r.partition},
      el('td', {}, r.topic), num(r.partition), num(r.committedOffset), num(r.endOffset), num(r.lag),
      el('td', {}, dash(r.memberId)))), 'lag-table'),
    pager(p, n => go('#/group?' + new URLSearchParams({id, page: n}))),
    el('h3', {}, 'Reset offsets'), reset);
  timer = setTimeout(() => route(true), 2000);
}

function resetForm(id) {
  const topic = el('input', {id: 'reset-topic', placeholder: 'all committed topics'});
  const strategy = el('select', {id: 'reset-strategy'}, ['earliest', 'latest', 'offset', 'timestamp', 'shift']
    .map(s => el('option', {value: s}, s)));
  const value = el('input', {id: 'reset-value', placeholder: 'offset, epoch ms or shift'});
  const out = el('div', {id: 'reset-preview'});
  const submit = async e => {
    e.preventDefault();
    const f = {id, topic: topic.value.trim(), strategy: strategy.value, value: value.value.trim()};
    try {
      const dry = await api('/group/reset', null, 'POST', {...f, dryRun: 'true'});
      const preview = table(['Topic', {label: 'Partition', num: 1}, {label: 'Current', num: 1}, {label: 'New', num: 1}],
        dry.partitions.map(r => el('tr', {}, el('td', {}, r.topic), num(r.partition), num(r.currentOffset), num(r.newOffset))));
      out.replaceChildren(el('p', {class: 'muted'}, 'Dry run:'), preview);
      confirmStep('Reset offsets of ' + id + '?', preview.cloneNode(true), async () => {
        await api('/group/reset', null, 'POST', f);
        notice('Offsets of ' + id + ' reset');
        out.replaceChildren();
      });
    } catch (err) { notice(err.message, true); }
  };
  return el('form', {class: 'panel', id: 'reset-form', onsubmit: submit},
    el('div', {class: 'toolbar'}, el('label', {}, 'Topic', topic), el('label', {}, 'To', strategy),
      el('label', {}, 'Value', value), el('button', {type: 'submit', id: 'reset-dry-run'}, 'Dry run…')), out);
}

// ---- routing ----------------------------------------------------------------------------------------------------
const views = {overview: overviewView, topics: topicsView, topic: topicView, messages: messagesView,
  groups: groupsView, group: groupView};
function go(hash) { location.hash = hash; }
async function route(refresh) {
  clearTimeout(timer);
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  const [name, query] = hash.split('?');
  const viewFn = views[name] || overviewView;
  // "topic" and "group" pages belong to the "topics" and "groups" tabs.
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active',
    a.dataset.nav === name || a.dataset.nav === name + 's'));
  if (!refresh) notice('');
  try {
    await viewFn(new URLSearchParams(query || ''), refresh);
  } catch (err) {
    notice(err.message, true);
    if (refresh) timer = setTimeout(() => route(true), 2000);
  }
}
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('confirm-no').addEventListener('click', closeConfirm);
  document.getElementById('confirm-yes').addEventListener('click', async () => {
    const action = confirmAction;
    closeConfirm();
    if (action) { try { await action(); } catch (err) { notice(err.message, true); } }
  });
  window.addEventListener('hashchange', () => route(false));
  route(false);
});
