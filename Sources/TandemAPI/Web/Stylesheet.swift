/// The pages' one stylesheet, served from `/assets/tandem.css` (the Content-Security-Policy allows
/// no inline style). Readable at phone width: one column below 48em.
enum Stylesheet {
    static let css = """
        :root { --ink: #1d232b; --muted: #4d5966; --line: #c9d1d9; --accent: #0b5cad; --bg: #fbfbf8; --warn: #8a4b00; --bad: #a11d1d; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f2b705; outline-offset: 2px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
        .skip:focus { left: 1rem; z-index: 10; }
        .top { border-bottom: 1px solid var(--line); background: #fff; }
        .bar { max-width: 72rem; margin: 0 auto; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
        .brand { margin: 0; font-weight: 700; font-size: 1.25rem; }
        .brand a { text-decoration: none; color: var(--ink); }
        .brand span { font-weight: 400; font-size: 1rem; color: var(--muted); }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
        .languages { margin-left: auto; }
        [aria-current] { font-weight: 700; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        main:focus { outline: none; }
        footer { max-width: 72rem; margin: 2rem auto; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line); }
        h1 { font-size: 1.8rem; line-height: 1.25; margin: .5rem 0 1rem; }
        h2 { font-size: 1.3rem; margin-top: 2rem; }
        .tabs ul { border-bottom: 1px solid var(--line); padding-bottom: .5rem; margin-bottom: 1rem; }
        .search .row, .row { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
        .search input { flex: 1 1 16rem; }
        label { display: block; font-weight: 600; margin-bottom: .25rem; }
        input, select, textarea, button { font: inherit; }
        input, select, textarea { width: 100%; max-width: 40rem; padding: .4rem .5rem; border: 1px solid #6b7785; border-radius: 4px; background: #fff; color: var(--ink); }
        textarea { min-height: 5rem; }
        button, .button { display: inline-block; padding: .45rem 1rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; text-decoration: none; cursor: pointer; }
        button.link { background: none; border: none; color: var(--accent); text-decoration: underline; padding: 0; }
        button.danger { background: var(--bad); border-color: var(--bad); }
        .input { margin-bottom: 1rem; }
        .hint { margin: 0 0 .25rem; color: var(--muted); font-size: .95rem; }
        .error { margin: 0 0 .25rem; color: var(--bad); font-weight: 600; }
        .invalid input, .invalid textarea, .invalid select { border: 2px solid var(--bad); }
        .required { font-weight: 400; color: var(--muted); }
        .errors, .conflict { border: 2px solid var(--bad); border-radius: 4px; padding: .5rem 1rem; margin-bottom: 1rem; background: #fff; }
        .conflict { border-color: var(--warn); }
        .notice { border-left: 4px solid var(--accent); padding: .5rem 1rem; background: #fff; }
        .browse { display: grid; grid-template-columns: 16rem 1fr; gap: 2rem; }
        .filters h2, .results h2 { margin-top: 0; }
        .records { list-style: none; padding: 0; margin: 0; }
        .records li { border-bottom: 1px solid var(--line); padding: .75rem 0; }
        .records h3 { margin: 0 0 .25rem; font-size: 1.15rem; }
        .meta, .kind, .matched { color: var(--muted); margin: .25rem 0; }
        .kind { text-transform: uppercase; letter-spacing: .05em; font-size: .85rem; }
        mark { background: #ffe58a; color: inherit; }
        .pages { display: flex; gap: 1.5rem; margin-top: 1rem; }
        .fields dt { font-weight: 700; }
        .fields dd { margin: .25rem 0 1rem; }
        .fields dd p { margin: 0 0 .5rem; white-space: pre-line; }
        .chips { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; }
        .chips li { border: 1px solid var(--line); border-radius: 1rem; padding: 0 .6rem; background: #fff; }
        .actions { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
        .tree { padding-left: 1.25rem; }
        .key { word-break: break-all; }
        pre { background: #fff; border: 1px solid var(--line); padding: .75rem; overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .4rem .5rem; }
        .scroll { overflow-x: auto; }
        .compare { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; }
        @media (max-width: 48em) { .browse { grid-template-columns: 1fr; } .languages { margin-left: 0; } }

        """
}
