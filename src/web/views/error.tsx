import type { PageContext } from '../context.ts'
import { Layout, PageTitle } from './layout.tsx'

export type ErrorKind = 'csrf' | 'forbidden' | 'notFound' | 'tooMany' | 'server' | 'bad'

export function ErrorPage({ ctx, kind, detail }: { ctx: PageContext; kind: ErrorKind; detail?: string | undefined }) {
  const e = ctx.t.web.errors[kind]
  return (
    <Layout ctx={ctx} title={e.title}>
      <PageTitle>{e.title}</PageTitle>
      <p class="ds-paragraph">{e.text}</p>
      {detail && <p class="ds-paragraph">{detail}</p>}
      <p class="ds-paragraph">
        <a class="ds-link" href="/">
          {ctx.t.web.errors.home}
        </a>
      </p>
    </Layout>
  )
}
