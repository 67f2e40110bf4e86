// Lint, and the layer rules (CONTRIBUTING.md) made mechanical: a forbidden import between
// layers is a lint error, not a review comment.
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

const forbid = (...layers) =>
  layers.map((l) => ({
    group: [`**/${l}`, `**/${l}/**`],
    message: `Layer rule (CONTRIBUTING.md): this layer must not import from src/${l}.`,
  }));
const packages = (names, why) => names.map((n) => ({ group: [n, `${n}/**`], message: why }));

const coreRule = (extraAllowed = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        // The core imports nothing of ours outside itself and no package at all.
        { regex: '^(?!\\.)', message: 'Layer rule (CONTRIBUTING.md): src/core imports no package, no Node built-in, no DOM library.' },
        ...forbid('telephony', 'crm', 'ui', 'app', 'node').map((p) => ({
          ...p,
          group: extraAllowed.length ? [...p.group, ...extraAllowed.map((a) => `!${a}`)] : p.group,
        })),
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    ...[
      'window',
      'document',
      'navigator',
      'localStorage',
      'indexedDB',
      'process',
      'Buffer',
      'require',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'fetch',
      'WebSocket',
      'crypto',
      'sforce',
      'console',
      'performance',
    ].map((name) => ({
      name,
      message: `Layer rule (CONTRIBUTING.md): src/core must not use the global '${name}'; take it through a port.`,
    })),
  ],
});

export default tseslint.config(
  { ignores: ['.*/**', 'dist/**', 'node_modules/**', 'out/**', 'coverage/**', '**/*.js', '**/*.mjs', 'bench/out/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Prettier lays the code out (npm run format); what it cannot wrap, a comment, is held to the same
  // 160 columns here. Strings, templates and regular expressions stay whole, to be found by grep.
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  // One job per module (CONTRIBUTING.md): a source file past 500 lines has two.
  { files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'], ignores: ['**/*.test.ts'], rules: { 'max-lines': ['error', { max: 500 }] } },
  { files: ['src/core/**/*.ts'], rules: coreRule() },
  // Core tests drive the engine against the behaving fakes; nothing else outside the core.
  { files: ['src/core/**/*.test.ts'], rules: coreRule(['**/telephony/fake/**', '**/crm/fake/**']) },
  {
    files: ['src/core/**/*.test.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-imports': ['error', { patterns: forbid('ui', 'app', 'node') }] },
  },
  {
    files: ['src/telephony/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...forbid('crm', 'ui', 'app', 'node'), ...packages(['node:*'], 'Browser layer: no Node built-ins.')] }],
    },
  },
  {
    files: ['src/crm/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid('telephony', 'ui', 'app', 'node'),
            ...packages(['sip.js', 'node:*'], 'Layer rule (CONTRIBUTING.md): crm talks to Salesforce only; SIP belongs to src/telephony.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid('telephony', 'crm', 'app', 'node'),
            ...packages(['sip.js', 'node:*'], 'Layer rule (CONTRIBUTING.md): the UI renders state and sends intents; it holds no telephony or CRM code.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...forbid('node'), ...packages(['node:*'], 'Browser layer: no Node built-ins.')] }] },
  },
  // Tests of the browser layers run in Node (node:test, node:assert): they may use Node built-ins;
  // the rules between layers still hold for them.
  ...['telephony', 'crm', 'ui', 'app'].map((l) => ({
    files: [`src/${l}/**/*.test.ts`, `src/${l}/testing/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbid(...['telephony', 'crm', 'ui', 'app', 'node'].filter((x) => x !== l && !(l === 'app' && x !== 'node'))) },
      ],
    },
  })),
  // The Salesforce Voice adapter's tests drive the real engine over the behaving in-memory phone
  // system, as the core's tests do; the rest of src/telephony stays out of reach.
  {
    files: ['src/crm/salesforce-voice/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid('ui', 'app', 'node'),
            { regex: '(^|/)telephony(/(?!fake/)|$)', message: 'Layer rule (CONTRIBUTING.md): this test may import src/telephony/fake only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: forbid('telephony', 'crm', 'ui', 'app') }] },
  },
  {
    files: ['src/node/**/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...forbid('telephony', 'crm', 'ui', 'app'), ...packages(['node:*'], 'Browser code: no Node built-ins.')] },
      ],
    },
  },
  // The customer phone plays the caller with the connector's own SIP adapter (same code path, by
  // design): it may import src/telephony/sip, and nothing else of the connector.
  {
    files: ['src/node/customer-phone/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...forbid('crm', 'ui', 'app'), ...packages(['node:*'], 'Browser code: no Node built-ins.')] }] },
  },
  // Unit tests of the tools' browser code (pure parts such as the console's Voice protocol) run in Node.
  {
    files: ['src/node/**/web/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: forbid('telephony', 'crm', 'ui', 'app') }] },
  },
);
