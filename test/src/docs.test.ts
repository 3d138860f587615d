import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'

// A newcomer finds every document inside the repository (issue 13, item 10): every link in the
// README and docs/ resolves to a file of this repository, none points outside it.
const ROOT = resolve(new URL('../..', import.meta.url).pathname)
const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))]

t.test('every link in README.md and docs/ resolves inside the repository', async (t) => {
  t.ok(files.length >= 5, `README and the docs (${files.join(', ')})`)
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(target)) continue
      t.notMatch(target, /^[a-z]+:/, `${file}: ${target} is a relative link, not one out of the repository`)
      const path = resolve(ROOT, dirname(file), target.split('#')[0]!)
      t.notOk(relative(ROOT, path).startsWith('..'), `${file}: ${target} stays inside the repository`)
      t.ok(existsSync(path), `${file}: ${target} exists`)
    }
  }
})

t.test('the docs cover the domain with its sources, the API, operations and the CSV format', async (t) => {
  const read = (f: string) => readFileSync(join(ROOT, 'docs', f), 'utf8')
  t.match(read('domain.md'), /## Sources[\s\S]*Rutinebeskrivelse/, 'the domain rules name their sources by title')
  t.match(read('operations.md'), /## Backup[\s\S]*-wal[\s\S]*## Restore[\s\S]*## Upgrades[\s\S]*## Secrets/, 'operations: backup with the WAL, restore, upgrades, secrets')
  t.match(read('csv.md'), /saksnummer[\s\S]*dd\.mm\.yyyy/, 'the CSV format with Norwegian headers and dates')
  t.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /npm ci && npm run demo[\s\S]*npm ci && npm test/, 'the README keeps its two newcomer commands')
  t.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /Node 20\.19[\s\S]*22[\s\S]*24/, 'and says which Node versions are supported')
})
