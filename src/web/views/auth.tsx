import type { User } from '../../store/user-repository.ts'
import type { PageContext } from '../context.ts'
import { Alert, Button, Csrf, ErrorSummary, Field, type FieldErrors } from './components.tsx'
import { Layout, PageTitle } from './layout.tsx'

/**
 * The sign-in page: e-mail and password, and the provider's button when OpenID Connect is
 * configured (`oidc` is its name). `problem` says why a sign-in through the provider was refused.
 */
export function LoginPage({ ctx, next, email, errors = {}, oidc, problem }: { ctx: PageContext; next: string; email?: string; errors?: FieldErrors; oidc?: string | undefined; problem?: string }) {
  const t = ctx.t.web.login
  return (
    <Layout ctx={ctx} title={t.title}>
      <PageTitle>{t.title}</PageTitle>
      {problem && (
        <Alert color="danger" heading={t.oidcRefused}>
          <p class="ds-paragraph">{problem}</p>
        </Alert>
      )}
      {oidc && (
        <>
          <p class="ds-paragraph">{t.oidcIntro(oidc)}</p>
          <div class="app-actions">
            <a class="ds-button" data-variant="primary" href={next === '/' ? '/login/oidc' : `/login/oidc?next=${encodeURIComponent(next)}`}>
              {t.oidcButton(oidc)}
            </a>
          </div>
        </>
      )}
      <p class="ds-paragraph">{oidc ? t.introWithOidc : t.intro}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/login" class="app-form" novalidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="next" value={next} />
        <Field name="email" type="email" label={t.email} autocomplete="username" value={email} errors={errors} required />
        <Field name="password" type="password" label={t.password} autocomplete="current-password" errors={errors} required />
        <div class="app-actions">
          <Button>{t.submit}</Button>
        </div>
      </form>
      <p class="ds-paragraph" data-size="sm">
        {t.noAccount}
      </p>
    </Layout>
  )
}

export function SetPasswordPage({ ctx, user, token, errors = {} }: { ctx: PageContext; user: User | undefined; token: string; errors?: FieldErrors }) {
  const t = ctx.t.web.setPassword
  if (!user) {
    return (
      <Layout ctx={ctx} title={t.expiredTitle}>
        <PageTitle>{t.expiredTitle}</PageTitle>
        <Alert color="warning">
          <p class="ds-paragraph">{t.expired}</p>
        </Alert>
        <p class="ds-paragraph">
          <a class="ds-link" href="/login">
            {t.toLogin}
          </a>
        </p>
      </Layout>
    )
  }
  return (
    <Layout ctx={ctx} title={t.title}>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro(user.email)}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={`/login/${encodeURIComponent(token)}`} class="app-form" novalidate>
        <Csrf ctx={ctx} />
        <input type="text" name="username" value={user.email} autocomplete="username" hidden />
        <Field name="password" type="password" label={t.password} hint={t.passwordHint} autocomplete="new-password" errors={errors} required />
        <Field name="confirm" type="password" label={t.confirm} autocomplete="new-password" errors={errors} required />
        <div class="app-actions">
          <Button>{t.submit}</Button>
        </div>
      </form>
    </Layout>
  )
}
