// The console's security pages (ACLs; SCRAM users and client quotas), over /api/console/acls, /users and /quotas.
// Loaded after console.js, whose helpers it uses (el, show, table, api, pager, confirmStep, notice, go, route) and
// whose views it adds to. As there, every value from the cluster is put into the page as text only. A typed password
// is read once when its form is submitted and the field is cleared at once: it is sent in the POST body only and
// never shown, stored or put into the URL.
'use strict';

const RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'DELEGATION_TOKEN', 'USER'];
const OPERATIONS = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE', 'CREATE_TOKENS', 'DESCRIBE_TOKENS'];
const ACL_FIELDS = ['resourceType', 'patternType', 'name', 'principal', 'host', 'operation', 'permission'];

function select(id, values, selected, labels) {
  return el('select', {id}, values.map((v, i) =>
    el('option', {value: v, selected: v === selected}, labels ? labels[i] : v)));
}
const describeAcl = a => `${a.permission} ${a.principal} from ${a.host} to ${a.operation} on ${a.resourceType} ` +
  `${a.patternType === 'PREFIXED' ? 'prefixed ' : ''}${a.name}`;

// ---- ACLs -------------------------------------------------------------------------------------------------------
async function aclsView(params) {
  const filter = {resourceType: params.get('resourceType') || '', name: params.get('name') || '',
    principal: params.get('principal') || ''};
  const page = Number(params.get('page') || 0);
  const result = await api('/acls', {...filter, page, size: PAGE});
  if (!result.enabled) {
    show(el('h2', {}, 'ACLs'), el('p', {id: 'acls-disabled', class: 'muted'},
      'This cluster has no authorizer, so it keeps no ACLs and allows every request (Kafka answers ' +
      'SECURITY_DISABLED: ' + result.message + '). Set authorizer.class.name and super.users to use ACLs.'));
    return;
  }
  const type = select('acl-resource-type', RESOURCE_TYPES, 'TOPIC');
  const pattern = select('acl-pattern-type', ['LITERAL', 'PREFIXED'], 'LITERAL', ['literal', 'prefixed']);
  const name = el('input', {id: 'acl-name', required: true, placeholder: 'name, or * for all'});
  const principal = el('input', {id: 'acl-principal', required: true, placeholder: 'User:alice'});
  const host = el('input', {id: 'acl-host', value: '*', placeholder: '* or an IP address'});
  const operation = select('acl-operation', OPERATIONS, 'READ');
  const permission = select('acl-permission', ['ALLOW', 'DENY'], 'ALLOW');
  type.addEventListener('change', () => {
    if (type.value === 'CLUSTER') name.value = 'kafka-cluster';
  });
  const add = e => {
    e.preventDefault();
    const acl = {resourceType: type.value, patternType: pattern.value, name: name.value.trim(),
      principal: principal.value.trim(), host: host.value.trim() || '*', operation: operation.value,
      permission: permission.value};
    confirmStep('Add this ACL binding?', el('p', {}, describeAcl(acl)), async () => {
      await api('/acls', null, 'POST', acl);
      notice('Added: ' + describeAcl(acl));
      route();
    });
  };
  const del = acl => confirmStep('Delete this ACL binding?',
    el('p', {}, describeAcl(acl) + '. Clients it allowed lose that access at once.'), async () => {
      await api('/acls', acl, 'DELETE');
      notice('Deleted: ' + describeAcl(acl));
      route();
    });
  const filterType = select('acls-filter-type', ['', ...RESOURCE_TYPES], filter.resourceType,
    ['all types', ...RESOURCE_TYPES]);
  const filterName = el('input', {id: 'acls-filter-name', type: 'search', placeholder: 'resource name',
    value: filter.name});
  const filterPrincipal = el('input', {id: 'acls-filter-principal', type: 'search', placeholder: 'principal',
    value: filter.principal});
  const search = e => {
    e.preventDefault();
    go('#/acls?' + new URLSearchParams({resourceType: filterType.value, name: filterName.value,
      principal: filterPrincipal.value}));
  };
  show(el('h2', {}, 'ACLs'),
    el('form', {class: 'panel toolbar', id: 'acl-form', onsubmit: add},
      el('label', {}, 'Resource type', type), el('label', {}, 'Pattern', pattern), el('label', {}, 'Name', name),
      el('label', {}, 'Principal', principal), el('label', {}, 'Host', host),
      el('label', {}, 'Operation', operation), el('label', {}, 'Permission', permission),
      el('button', {type: 'submit', class: 'primary', id: 'acl-add'}, 'Add…')),
    el('form', {class: 'toolbar', id: 'acls-filter', onsubmit: search}, filterType, filterName, filterPrincipal,
      el('button', {type: 'submit', id: 'acls-search'}, 'Filter')),
    table(['Resource type', 'Pattern', 'Name', 'Principal', 'Host', 'Operation', 'Permission', ''],
      result.acls.map(a => el('tr', {'data-acl': ACL_FIELDS.map(f => a[f]).join(' ')},
        el('td', {}, a.resourceType), el('td', {}, a.patternType.toLowerCase()), el('td', {}, a.name),
        el('td', {}, a.principal), el('td', {}, a.host), el('td', {}, a.operation),
        el('td', {}, el('span', {class: 'pill ' + (a.permission === 'ALLOW' ? 'ok' : 'bad')}, a.permission)),
        el('td', {}, el('button', {type: 'button', class: 'danger acl-delete', onclick: () => del(a)},
          'Delete…')))), 'acls-table'),
    pager(result, p => go('#/acls?' + new URLSearchParams({...filter, page: p}))));
}

// ---- users and client quotas ------------------------------------------------------------------------------------
async function usersView(params) {
  const q = params.get('q') || '';
  const page = Number(params.get('page') || 0);
  const quotaPage = Number(params.get('quotaPage') || 0);
  const [users, quotas] = await Promise.all([api('/users', {q, page, size: PAGE}),
    api('/quotas', {q, page: quotaPage, size: PAGE})]);
  const here = extra => '#/users?' + new URLSearchParams({q, page, quotaPage, ...extra});

  const name = el('input', {id: 'user-name', required: true, placeholder: 'name', autocomplete: 'off'});
  const mechanism = select('user-mechanism', ['SCRAM-SHA-512', 'SCRAM-SHA-256'], 'SCRAM-SHA-512');
  const iterations = el('input', {id: 'user-iterations', type: 'number', min: 4096, max: 16384, value: 4096});
  const password = el('input', {id: 'user-password', type: 'password', required: true,
    autocomplete: 'new-password'});
  const setUser = e => {
    e.preventDefault();
    const f = {name: name.value.trim(), mechanism: mechanism.value, iterations: iterations.value || 4096,
      password: password.value};
    password.value = '';
    confirmStep('Set the ' + f.mechanism + ' credential of ' + f.name + '?',
      el('p', {}, `With ${f.iterations} iterations. An existing credential of this mechanism is replaced: ` +
        'clients using the old password fail when they next authenticate.'),
      async () => {
        await api('/users', null, 'POST', f);
        notice('Set the ' + f.mechanism + ' credential of ' + f.name);
        route();
      });
  };
  const delUser = u => confirmStep('Delete user ' + u + '?',
    el('p', {}, 'All its SCRAM credentials are deleted; it can no longer authenticate.'), async () => {
      await api('/users', {name: u}, 'DELETE');
      notice('Deleted user ' + u);
      route();
    }, u);
  const search = el('input', {id: 'user-search', type: 'search', placeholder: 'search users and client ids',
    value: q});
  search.addEventListener('keydown', e => {
    if (e.key === 'Enter') go('#/users?' + new URLSearchParams({q: search.value}));
  });

  show(el('h2', {}, 'Users'),
    el('form', {class: 'panel toolbar', id: 'user-form', onsubmit: setUser},
      el('label', {}, 'User', name), el('label', {}, 'Mechanism', mechanism),
      el('label', {}, 'Iterations', iterations), el('label', {}, 'Password', password),
      el('button', {type: 'submit', class: 'primary', id: 'user-set'}, 'Add or update…')),
    el('div', {class: 'toolbar'}, search),
    el('h3', {}, 'SCRAM users'),
    table(['User', 'Credentials', ''], users.users.map(u => el('tr', {'data-user': u.name},
      el('td', {}, u.name),
      el('td', {}, u.credentials.map(c => c.mechanism + ' (' + c.iterations + ' iterations)').join(', ')),
      el('td', {}, el('button', {type: 'button', class: 'danger user-delete', onclick: () => delUser(u.name)},
        'Delete…')))), 'users-table'),
    pager(users, p => go(here({page: p}))),
    el('h3', {}, 'Client quotas'),
    quotaForm(),
    table(['User', 'Client id', 'Quotas', ''], quotas.quotas.map(r => el('tr', {},
      el('td', {}, dash(r.user)), el('td', {}, dash(r.clientId)),
      el('td', {}, Object.entries(r.quotas).map(([k, v]) => k + '=' + v).join(', ')),
      el('td', {}, el('button', {type: 'button', onclick: () => editQuota(r)}, 'Edit')))), 'quotas-table'),
    pager(quotas, p => go(here({quotaPage: p}))));
}

function quotaForm() {
  const submit = async e => {
    e.preventDefault();
    const value = id => document.getElementById(id).value.trim();
    const f = {user: value('quota-user'), clientId: value('quota-client-id'), set: value('quota-set'),
      remove: value('quota-remove')};
    const who = [f.user && 'user ' + f.user, f.clientId && 'client id ' + f.clientId].filter(Boolean).join(', ');
    try {
      await api('/quotas', null, 'POST', {...f, validateOnly: 'true'});
      confirmStep('Change the quotas of ' + who + '?',
        el('pre', {}, (f.set ? 'set: ' + f.set + '\n' : '') + (f.remove ? 'remove: ' + f.remove : '')),
        async () => {
          await api('/quotas', null, 'POST', f);
          notice('Quotas of ' + who + ' changed');
          route();
        });
    } catch (err) { notice(err.message, true); }
  };
  const input = (id, placeholder) => el('input', {id, placeholder});
  return el('form', {class: 'panel toolbar', id: 'quota-form', onsubmit: submit},
    el('label', {}, 'User', input('quota-user', 'name or <default>')),
    el('label', {}, 'Client id', input('quota-client-id', 'id or <default>')),
    el('label', {}, 'Set', input('quota-set', 'producer_byte_rate=1048576, …')),
    el('label', {}, 'Remove', input('quota-remove', 'keys')),
    el('button', {type: 'submit', class: 'primary', id: 'quota-change'}, 'Change…'));
}

function editQuota(row) {
  document.getElementById('quota-user').value = row.user || '';
  document.getElementById('quota-client-id').value = row.clientId || '';
  document.getElementById('quota-set').value = Object.entries(row.quotas).map(([k, v]) => k + '=' + v).join(', ');
  document.getElementById('quota-set').focus();
}

Object.assign(views, {acls: aclsView, users: usersView});
