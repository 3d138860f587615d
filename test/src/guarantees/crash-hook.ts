// A deterministic crash point for the all-or-nothing tests (issue 14, item 2): the n-th run of any
// statement whose SQL matches `sql` does `act` instead (throw, or SIGKILL the process). Installed on
// the connection before a repository prepares its statements; the product code is unchanged.
import type { Db } from '../../../src/store/db.ts'

export function crashAt(db: Db, sql: RegExp, n: number, act: () => never): void {
  let runs = 0
  const prepare = db.prepare.bind(db)
  db.prepare = ((source: string) => {
    const statement = prepare(source)
    if (!sql.test(source)) return statement
    const run = statement.run.bind(statement)
    statement.run = ((...args: unknown[]) => {
      if (++runs === n) act()
      return run(...(args as []))
    }) as typeof statement.run
    return statement
  }) as Db['prepare']
}
