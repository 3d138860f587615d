import type { ComponentChildren } from 'preact'
import type { Role } from '../../auth/caller.ts'
import type { Messages } from '../../i18n/index.ts'
import type { PageContext } from '../context.ts'

/** The main menu of each role: where its work is. */
export function menuOf(role: Role, t: Messages): { href: string; label: string }[] {
  const m = t.web.menu
  switch (role) {
    case 'municipality':
      return [
        { href: '/referrals', label: m.referrals },
        { href: '/referrals/new', label: m.newReferral },
        { href: '/referrals/upload', label: m.upload },
        { href: '/tasks', label: m.tasks },
      ]
    case 'coordinator':
      return [
        { href: '/board', label: m.board },
        { href: '/allocations', label: m.allocations },
        { href: '/disruptions', label: m.disruptions },
        { href: '/referrals', label: m.referrals },
        { href: '/counsellors', label: m.counsellors },
        { href: '/interpreter-orders', label: m.interpreterOrders },
        { href: '/tasks', label: m.tasks },
        { href: '/audit', label: m.audit },
      ]
    case 'analyst':
      return [
        { href: '/replay', label: m.replay },
        { href: '/capacity', label: m.capacity },
      ]
  }
}

/** The page every role sees first after sign-in. */
export function homeOf(role: Role): string {
  return role === 'municipality' ? '/referrals' : role === 'coordinator' ? '/board' : '/replay'
}

/** The other language, offered on every page: a link that remembers the choice and comes back here. */
function LanguageSwitch({ ctx }: { readonly ctx: PageContext }) {
  const other = ctx.lang === 'nb' ? 'en' : 'nb'
  return (
    <a class="ds-link" href={`/lang/${other}?back=${encodeURIComponent(ctx.path)}`} hreflang={other} lang={other}>
      {ctx.t.web.layout.switchTo}
    </a>
  )
}

export function Layout({ ctx, title, children, wide }: { readonly ctx: PageContext; readonly title: string; readonly children: ComponentChildren; readonly wide?: boolean }) {
  const t = ctx.t.web
  const menu = ctx.person ? menuOf(ctx.person.role, ctx.t) : []
  const current = ctx.path.split('?')[0]
  return (
    <html lang={ctx.lang} data-color-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
        <title>{`${title} – tildeling`}</title>
        <link rel="stylesheet" href="/assets/theme.css" />
        <link rel="stylesheet" href="/assets/ds.css" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <a class="ds-skip-link" href="#main">
          {t.layout.skipToMain}
        </a>
        <header class="app-header">
          <div class="app-header__inner">
            <a class="app-brand" href="/">
              tildeling
              <span class="app-brand__sub">{t.layout.tagline}</span>
            </a>
            <div class="app-header__tools">
              <LanguageSwitch ctx={ctx} />
              {ctx.person && (
                <>
                  <span class="app-person">{t.layout.signedInAs(ctx.person.name ?? ctx.person.email, t.roles[ctx.person.role], ctx.person.municipality)}</span>
                  <form method="post" action="/logout" class="app-inline-form">
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <button class="ds-button" data-variant="secondary" data-size="sm" type="submit">
                      {t.layout.signOut}
                    </button>
                  </form>
                </>
              )}
            </div>
          </div>
          {menu.length > 0 && (
            <nav aria-label={t.layout.mainMenu} class="app-nav">
              <ul>
                {menu.map((item) => (
                  <li>
                    <a class="ds-link" href={item.href} aria-current={current === item.href ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </header>
        <main id="main" tabindex={-1} class={wide ? 'app-main app-main--wide' : 'app-main'}>
          {children}
        </main>
        <footer class="app-footer">
          <p class="ds-paragraph" data-size="sm">
            {t.layout.footer}
          </p>
        </footer>
      </body>
    </html>
  )
}

/** A page's heading; every page has exactly one h1. */
export function PageTitle({ children }: { readonly children: ComponentChildren }) {
  return (
    <h1 class="ds-heading" data-size="lg">
      {children}
    </h1>
  )
}
