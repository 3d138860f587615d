// A progress bar on a terminal only: piped or redirected output gets nothing extra.

import cliProgress from 'cli-progress'

export type Progress = { readonly update: (done: number, total: number) => void; readonly stop: () => void }

/** A bar on stdout when it is a TTY, labelled with the policy; otherwise a no-op. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stdout): Progress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar({ stream, format: `${label.padEnd(14)} {bar} {value}/{total} weeks`, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic)
  let started = false
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0)
        started = true
      }
      bar.update(done)
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}
