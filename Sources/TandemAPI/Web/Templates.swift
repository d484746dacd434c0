import Mustache

/// The pages' templates (Mustache, escaped by default: `{{x}}` escapes for an element or a quoted
/// attribute). They are compiled into the binary, so a node serves its pages from any folder. The
/// only unescaped values (`{{{…}}}`) are `content`, a page this library rendered, and `snippet`,
/// which `Highlight` builds from escaped text.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources {
            // The templates are constants of this build: one that does not parse is a programming error.
            do { try library.register(text, named: name) } catch { preconditionFailure("template \(name): \(error)") }
        }
        return library
    }()

    static func render(_ name: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: name) ?? ""
    }

    static let sources: [String: String] = [
        "layout": layout, "browse": browse, "record": record, "tree": tree, "form": form, "signIn": signIn,
        "confirmDelete": confirmDelete, "cohort": cohort, "error": error, "fields": fields,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Tandem</title>
        <link rel="stylesheet" href="/assets/tandem.css">
        </head>
        <body>
        <a class="skip" href="#main">{{t.nav_skip}}</a>
        <header class="top">
        <div class="bar">
        <p class="brand"><a href="/">Tandem</a> <span>{{node}}</span></p>
        <nav aria-label="Tandem">
        <ul>
        <li><a href="/">{{t.nav_browse}}</a></li>
        <li><a href="/cohort">{{t.nav_cohort}}</a></li>
        {{#editor}}<li class="who">{{editor}}</li>
        <li><form method="post" action="/sign-out"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="link">{{t.nav_signOut}}</button></form></li>{{/editor}}
        {{^editor}}<li><a href="/sign-in">{{t.nav_signIn}}</a></li>{{/editor}}
        </ul>
        </nav>
        <nav aria-label="{{t.nav_language}}" class="languages">
        <ul>
        {{#languages}}<li><a href="{{href}}" lang="{{code}}" hreflang="{{code}}"{{#current}} aria-current="true"{{/current}}>{{name}}</a></li>{{/languages}}
        </ul>
        </nav>
        </div>
        </header>
        <main id="main" tabindex="-1">
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{{content}}}
        </main>
        <footer><p>{{t.site_tagline}} · <a href="/openapi.json">{{t.nav_api}}</a></p></footer>
        </body>
        </html>

        """

    static let browse = """
        <h1>{{t.browse_title}}</h1>
        <nav aria-label="{{t.browse_title}}" class="tabs">
        <ul>
        {{#tabs}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/tabs}}
        </ul>
        </nav>
        <form role="search" method="get" action="/" class="search">
        <input type="hidden" name="kind" value="{{kind}}">
        <label for="q">{{t.browse_searchLabel}}</label>
        <div class="row"><input id="q" name="q" type="search" value="{{q}}" maxlength="200"><button type="submit">{{t.browse_search}}</button></div>
        </form>
        <div class="browse">
        <section class="filters" aria-labelledby="filters-heading">
        <h2 id="filters-heading">{{t.browse_filters}}</h2>
        <form method="get" action="/">
        <input type="hidden" name="kind" value="{{kind}}">
        {{#hasQuery}}<input type="hidden" name="q" value="{{q}}">{{/hasQuery}}
        {{#facets}}<div class="input">
        <label for="filter-{{name}}">{{label}}</label>
        <select id="filter-{{name}}" name="{{name}}">
        <option value="">{{t.browse_any}}</option>
        {{#values}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}{{#counted}} ({{count}}){{/counted}}</option>{{/values}}
        </select>
        </div>{{/facets}}
        {{#uncounted}}<p class="hint">{{uncounted}}</p>{{/uncounted}}
        <button type="submit">{{t.browse_apply}}</button>
        {{#filtered}}<p><a href="{{clear}}">{{t.browse_clear}}</a></p>{{/filtered}}
        </form>
        </section>
        <section class="results" aria-labelledby="results-heading">
        <h2 id="results-heading">{{heading}}</h2>
        {{#newRecord}}<p><a class="button" href="{{newRecord}}">{{newLabel}}</a></p>{{/newRecord}}
        {{#hasItems}}<ol class="records">
        {{#items}}<li>
        <h3><a href="{{href}}" lang="{{lang}}">{{title}}</a></h3>
        <p class="meta">{{meta}}</p>
        {{#snippet}}<p class="snippet" lang="{{snippetLang}}">{{{snippet}}}</p>{{/snippet}}
        {{^snippet}}<p lang="{{lang}}">{{summary}}</p>{{/snippet}}
        {{#matched}}<p class="matched">{{matched}}</p>{{/matched}}
        </li>{{/items}}
        </ol>{{/hasItems}}
        {{^hasItems}}<p>{{t.browse_none}}</p>{{/hasItems}}
        {{#hasPages}}<nav class="pages" aria-label="{{t.browse_pages}}">
        {{#first}}<a href="{{first}}">{{t.browse_first}}</a>{{/first}}
        {{#next}}<a href="{{next}}" rel="next">{{t.browse_next}}</a>{{/next}}
        </nav>{{/hasPages}}
        </section>
        </div>

        """

    /// A record's fields as a description list: `fields` of `{label, lang, text | paragraphs | list | steps | links | references}`.
    static let fields = """
        <dl class="fields">
        {{#fields}}<dt>{{label}}</dt>
        <dd{{#lang}} lang="{{lang}}"{{/lang}}>
        {{#text}}{{text}}{{/text}}
        {{#paragraphs}}<p>{{.}}</p>{{/paragraphs}}
        {{#hasList}}<ul class="chips">{{#list}}<li>{{.}}</li>{{/list}}</ul>{{/hasList}}
        {{#hasSteps}}<ol>{{#steps}}<li>{{.}}</li>{{/steps}}</ol>{{/hasSteps}}
        {{#hasLinks}}<ul>{{#links}}<li>{{#href}}<a href="{{href}}" rel="nofollow noopener noreferrer">{{label}}</a>{{/href}}{{^href}}{{label}}{{/href}}</li>{{/links}}</ul>{{/hasLinks}}
        {{#hasReferences}}<ul>{{#references}}<li>{{#href}}<a href="{{href}}">{{label}}</a>{{/href}}{{^href}}{{label}}{{/href}}</li>{{/references}}</ul>{{/hasReferences}}
        </dd>{{/fields}}
        </dl>

        """

    static let record = """
        <article>
        <p class="kind">{{kindName}}</p>
        <h1 lang="{{lang}}">{{title}}</h1>
        <p class="meta">{{about}}</p>
        {{#translation}}<p class="notice">{{translation}} {{#stale}}<strong>{{stale}}</strong>{{/stale}} <a href="{{originalHref}}">{{originalLabel}}</a></p>{{/translation}}
        {{#untranslated}}<p class="notice">{{untranslated}}</p>{{/untranslated}}
        {{#cohortOnly}}<p class="notice">{{t.record_cohortOnly}}</p>{{/cohortOnly}}
        {{#canEdit}}<ul class="actions">
        <li><a class="button" href="{{editHref}}">{{t.record_edit}}</a></li>
        <li><a class="button" href="{{deleteHref}}">{{t.record_delete}}</a></li>
        </ul>{{/canEdit}}
        {{>fields}}
        {{#canWrite}}<ul class="actions">
        {{#translateHref}}<li><a class="button" href="{{translateHref}}">{{t.record_translate}}</a></li>{{/translateHref}}
        {{#adaptHref}}<li><a class="button" href="{{adaptHref}}">{{t.record_adapt}}</a></li>{{/adaptHref}}
        </ul>{{/canWrite}}

        {{#hasTranslationsSection}}<section aria-labelledby="translations">
        <h2 id="translations">{{t.record_translations}}</h2>
        {{#hasTranslations}}<ul>{{#translations}}<li><a href="{{href}}" hreflang="{{language}}">{{label}}</a>{{#stale}} — <strong>{{t.record_stale}}</strong>{{/stale}}</li>{{/translations}}</ul>{{/hasTranslations}}
        {{^hasTranslations}}<p>{{t.record_noTranslations}}</p>{{/hasTranslations}}
        </section>{{/hasTranslationsSection}}

        {{#hasAdaptedFrom}}<section aria-labelledby="adapted-from">
        <h2 id="adapted-from">{{t.record_adaptedFrom}}</h2>
        <ul>{{#adaptedFrom}}<li>{{#href}}<a href="{{href}}">{{label}}</a>{{/href}}{{^href}}{{label}}{{/href}}</li>{{/adaptedFrom}}</ul>
        </section>{{/hasAdaptedFrom}}

        {{#hasAdaptationsSection}}<section aria-labelledby="adaptations">
        <h2 id="adaptations">{{t.record_adaptations}}</h2>
        {{#hasChildren}}{{>tree}}{{/hasChildren}}
        {{^hasChildren}}<p>{{t.record_noAdaptations}}</p>{{/hasChildren}}
        </section>{{/hasAdaptationsSection}}

        <section aria-labelledby="versions">
        <h2 id="versions">{{t.record_versions}}</h2>
        <ol class="versions">{{#versions}}<li>{{label}}</li>{{/versions}}</ol>
        {{#canCompare}}<form method="get" action="{{path}}" class="compare">
        <div class="input"><label for="from">{{t.record_compareFrom}}</label>
        <select id="from" name="from">{{#fromOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/fromOptions}}</select></div>
        <div class="input"><label for="to">{{t.record_compareTo}}</label>
        <select id="to" name="to">{{#toOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/toOptions}}</select></div>
        <button type="submit">{{t.record_compare}}</button>
        </form>{{/canCompare}}
        {{#changes}}<h3 id="changes">{{heading}}</h3>
        {{#hasRows}}<table>
        <thead><tr><th scope="col"><span class="visually-hidden">{{t.record_field}}</span></th><th scope="col">{{t.record_before}}</th><th scope="col">{{t.record_after}}</th></tr></thead>
        <tbody>{{#rows}}<tr><th scope="row">{{label}}</th><td>{{before}}</td><td>{{after}}</td></tr>{{/rows}}</tbody>
        </table>{{/hasRows}}
        {{^hasRows}}<p>{{t.record_noChanges}}</p>{{/hasRows}}{{/changes}}
        </section>

        <section aria-labelledby="provenance">
        <h2 id="provenance">{{t.record_provenance}}</h2>
        <p>{{signed}}</p>
        <p><code class="key">{{signer}}</code></p>
        <p>{{received}}</p>
        {{#archived}}<p>{{archived}}</p>{{/archived}}
        <p>{{t.record_checkYourself}}</p>
        <pre><code>curl -s --cacert cert.pem {{documentURL}} | jq .document &gt; record.json
        tandem verify record.json</code></pre>
        <p><a href="{{documentPath}}">{{t.record_signedDocument}}</a></p>
        </section>
        </article>

        """

    /// The records that adapted one, each with theirs: recursive, at most as deep as the node's tree.
    static let tree = """
        <ul class="tree">{{#children}}<li><a href="{{href}}">{{title}}</a> <span class="meta">{{meta}}</span>{{#results}}<p>{{results}}</p>{{/results}}{{#hasChildren}}{{>tree}}{{/hasChildren}}</li>{{/children}}</ul>

        """

    static let form = """
        <h1>{{heading}}</h1>
        {{#intro}}<p>{{intro}}</p>{{/intro}}
        {{#conflict}}<div class="conflict" role="alert">
        <p>{{conflict}}</p>
        <h2>{{theirsHeading}}</h2>
        {{>fields}}
        </div>{{/conflict}}
        {{#hasErrors}}<div class="errors" role="alert" id="errors">
        <p>{{t.form_errors}}</p>
        <ul>{{#errors}}<li><a href="#{{id}}">{{line}}</a></li>{{/errors}}</ul>
        </div>{{/hasErrors}}
        <form method="post" action="{{action}}" novalidate class="edit">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#version}}<input type="hidden" name="version" value="{{version}}">{{/version}}
        {{#inputs}}<div class="input{{#error}} invalid{{/error}}">
        <label for="{{id}}">{{label}}{{#required}} <span class="required">({{t.form_required}})</span>{{/required}}</label>
        {{#hint}}<p class="hint" id="{{id}}-hint">{{hint}}</p>{{/hint}}
        {{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
        {{#isLine}}<input type="text" id="{{id}}" name="{{name}}" value="{{value}}"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}{{#required}} aria-required="true"{{/required}}>{{/isLine}}
        {{#isNumber}}<input type="number" id="{{id}}" name="{{name}}" value="{{value}}" min="0" step="1"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}{{#required}} aria-required="true"{{/required}}>{{/isNumber}}
        {{#isArea}}<textarea id="{{id}}" name="{{name}}" rows="{{rows}}"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}{{#required}} aria-required="true"{{/required}}>{{value}}</textarea>{{/isArea}}
        {{#isChoice}}<select id="{{id}}" name="{{name}}"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}{{#required}} aria-required="true"{{/required}}>
        {{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}
        </select>{{/isChoice}}
        </div>{{/inputs}}
        <div class="row"><button type="submit">{{t.form_publish}}</button> <a href="{{cancel}}">{{t.form_cancel}}</a></div>
        </form>

        """

    static let signIn = """
        <h1>{{t.signIn_title}}</h1>
        {{#error}}<div class="errors" role="alert"><p>{{error}}</p></div>{{/error}}
        <form method="post" action="/sign-in" class="edit">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="back" value="{{back}}">
        <div class="input{{#error}} invalid{{/error}}">
        <label for="token">{{t.signIn_token}}</label>
        <p class="hint" id="token-hint">{{help}}</p>
        <input type="password" id="token" name="token" autocomplete="current-password" aria-describedby="token-hint"{{#error}} aria-invalid="true"{{/error}}>
        </div>
        <button type="submit">{{t.signIn_submit}}</button>
        </form>

        """

    static let confirmDelete = """
        <h1>{{heading}}</h1>
        <p>{{t.delete_explain}}</p>
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="version" value="{{version}}">
        <div class="row"><button type="submit" class="danger">{{t.delete_confirm}}</button> <a href="{{cancel}}">{{t.form_cancel}}</a></div>
        </form>

        """

    static let cohort = """
        <h1>{{t.cohort_title}}</h1>
        <p>{{t.cohort_intro}}</p>
        <div class="scroll">
        <table>
        <thead><tr><th scope="col">{{t.cohort_lab}}</th><th scope="col">{{t.cohort_city}}</th><th scope="col">{{t.cohort_records}}</th><th scope="col">{{t.cohort_lastSync}}</th><th scope="col">{{t.cohort_lag}}</th><th scope="col">{{t.cohort_quarantined}}</th></tr></thead>
        <tbody>
        {{#members}}<tr>
        <th scope="row">{{lab}}{{#isSelf}} ({{t.cohort_thisNode}}){{/isSelf}}<br><a href="{{browse}}">{{slug}}</a></th>
        <td>{{city}} ({{country}})</td>
        <td>{{records}}</td>
        <td>{{lastSync}}{{#lastError}}<br><span class="error">{{lastError}}</span>{{/lastError}}</td>
        <td>{{lag}}</td>
        <td>{{quarantined}}</td>
        </tr>{{/members}}
        </tbody>
        </table>
        </div>

        """

    static let error = """
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        <p><a href="/">{{t.error_back}}</a></p>

        """
}
