<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shows syndicate's Atom 1.0 and RSS 2.0 feeds as a page when opened in a
  browser: the feed's title, a note on how to subscribe, and per entry its
  title, byline, date, summary, rights and licence. Feed readers ignore it.

  XSLT 1.0, the only version browsers run. No script, no external resources.
  The entries' HTML content is never copied into the page (that would need
  disable-output-escaping, which Firefox ignores and which would let feed text
  inject markup): the summary and the rights statement are shown as text, and
  only http(s) URLs become links.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:a="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:cc="http://backend.userland.com/creativeCommonsRssModule"
    exclude-result-prefixes="a dc cc">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
  <xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz'"/>

  <xsl:template match="/">
    <xsl:variable name="feed" select="a:feed | rss/channel"/>
    <xsl:variable name="title" select="normalize-space($feed/a:title | $feed/title)"/>
    <xsl:variable name="about" select="normalize-space($feed/a:subtitle | $feed/description)"/>
    <xsl:variable name="self" select="normalize-space($feed/a:link[@rel = 'self']/@href)"/>
    <xsl:variable name="site" select="($feed/a:link[@rel = 'alternate' or not(@rel)]/@href | $feed/link)[1]"/>
    <xsl:variable name="kind">
      <xsl:choose>
        <xsl:when test="a:feed">Atom</xsl:when>
        <xsl:otherwise>RSS</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <html lang="{normalize-space(a:feed/@xml:lang | rss/channel/language)}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (<xsl:value-of select="$kind"/> feed)</title>
        <style>
          :root { color-scheme: light dark; --muted: #5b6270; --rule: #d8dce3; --note: #eef4fb; --accent: #1a5fb4; }
          @media (prefers-color-scheme: dark) { :root { --muted: #a4abb8; --rule: #3a3f47; --note: #1c2733; --accent: #78aeed; } }
          body { font: 1.05rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 0; padding: 1.5rem 1rem 3rem; }
          main { max-width: 46rem; margin: 0 auto; }
          a { color: var(--accent); }
          .note { background: var(--note); border-left: 4px solid var(--accent); border-radius: 4px; padding: .75rem 1rem; margin: 0 0 1.75rem; font-size: .95rem; }
          .note p { margin: .25rem 0; }
          code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
          header h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .35rem; }
          header p { margin: 0 0 .35rem; color: var(--muted); }
          article { border-top: 1px solid var(--rule); padding: 1.25rem 0 .5rem; }
          article h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 .35rem; }
          article h2 a { text-decoration: none; }
          article h2 a:hover { text-decoration: underline; }
          .meta, .rights, .tags, .credit { color: var(--muted); font-size: .9rem; margin: .3rem 0; }
          .summary { margin: .6rem 0; }
          .rights { border-left: 3px solid var(--rule); padding-left: .6rem; overflow-wrap: anywhere; }
          .rights p { margin: .15rem 0; }
          nav, footer { border-top: 1px solid var(--rule); margin-top: 1rem; padding-top: .75rem; color: var(--muted); font-size: .9rem; }
          nav a { margin-right: 1rem; }
        </style>
      </head>
      <body>
        <main>
          <aside class="note">
            <p><strong>This is a web feed</strong> (<xsl:value-of select="$kind"/>). To follow it, paste its address into a feed reader<xsl:if test="$self">: <code><xsl:value-of select="$self"/></code></xsl:if>.</p>
            <p>Each article below is republished under its own rights statement and licence, shown with it.</p>
          </aside>
          <header>
            <h1><xsl:value-of select="$title"/></h1>
            <xsl:if test="$about and $about != $title">
              <p class="description"><xsl:value-of select="$about"/></p>
            </xsl:if>
            <xsl:if test="$site">
              <p><a><xsl:call-template name="href"><xsl:with-param name="url" select="$site"/></xsl:call-template>Visit the website</a></p>
            </xsl:if>
          </header>
          <xsl:apply-templates select="$feed/a:entry | $feed/item"/>
          <xsl:if test="not($feed/a:entry | $feed/item)">
            <p>This feed has no entries yet.</p>
          </xsl:if>
          <xsl:if test="$feed/a:link[@rel = 'current' or @rel = 'prev-archive' or @rel = 'next-archive']">
            <nav>
              <xsl:apply-templates select="$feed/a:link[@rel = 'next-archive']" mode="nav"/>
              <xsl:apply-templates select="$feed/a:link[@rel = 'prev-archive']" mode="nav"/>
              <xsl:apply-templates select="$feed/a:link[@rel = 'current']" mode="nav"/>
            </nav>
          </xsl:if>
          <xsl:if test="$feed/a:rights | $feed/copyright">
            <footer><xsl:value-of select="$feed/a:rights | $feed/copyright"/></footer>
          </xsl:if>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- one article: Atom entry or RSS item -->
  <xsl:template match="a:entry | item">
    <xsl:variable name="link" select="(a:link[@rel = 'alternate' or not(@rel)]/@href | link)[1]"/>
    <xsl:variable name="authors" select="a:author | dc:creator | author[not(../dc:creator)]"/>
    <article>
      <h2>
        <xsl:choose>
          <xsl:when test="$link">
            <a><xsl:call-template name="href"><xsl:with-param name="url" select="$link"/></xsl:call-template><xsl:value-of select="a:title | title"/></a>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="a:title | title"/></xsl:otherwise>
        </xsl:choose>
      </h2>
      <p class="meta">
        <xsl:if test="$authors">
          <span class="byline">By <xsl:apply-templates select="$authors" mode="byline"/></span>
        </xsl:if>
        <xsl:apply-templates select="(a:published | a:updated[not(../a:published)] | pubDate)[1]" mode="date">
          <xsl:with-param name="separator" select="boolean($authors)"/>
        </xsl:apply-templates>
        <xsl:if test="a:published and substring(a:updated, 1, 10) != substring(a:published, 1, 10)">
          <xsl:text> (updated </xsl:text>
          <time datetime="{a:updated}"><xsl:value-of select="substring(a:updated, 1, 10)"/></time>
          <xsl:text>)</xsl:text>
        </xsl:if>
      </p>
      <xsl:if test="normalize-space(a:summary | description)">
        <p class="summary"><xsl:value-of select="a:summary | description"/></p>
      </xsl:if>
      <xsl:if test="a:source/a:title or a:link[@rel = 'related']">
        <p class="credit">
          <xsl:if test="a:source/a:title">
            <xsl:text>Via </xsl:text>
            <a><xsl:call-template name="href"><xsl:with-param name="url" select="(a:link[@rel = 'via']/@href | a:source/a:link[@rel = 'alternate' or not(@rel)]/@href)[1]"/></xsl:call-template><xsl:value-of select="a:source/a:title"/></a>
            <xsl:if test="a:link[@rel = 'related']">. </xsl:if>
          </xsl:if>
          <xsl:for-each select="a:link[@rel = 'related'][1]">
            <xsl:text>First published at </xsl:text>
            <a><xsl:call-template name="href"><xsl:with-param name="url" select="@href"/></xsl:call-template><xsl:call-template name="host"><xsl:with-param name="url" select="@href"/></xsl:call-template></a>
          </xsl:for-each>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:if>
      <xsl:if test="normalize-space(a:rights | dc:rights) or a:link[@rel = 'license'] or cc:license">
        <div class="rights">
          <xsl:variable name="rights" select="normalize-space(a:rights | dc:rights)"/>
          <!-- syndicate's rights say "Licence: NAME (URL)." of the licence linked below: said once, there -->
          <xsl:variable name="named" select="concat(' (', normalize-space((a:link[@rel = 'license']/@href | cc:license)[1]), ').')"/>
          <xsl:choose>
            <xsl:when test="(a:link[@rel = 'license'] or cc:license) and contains(substring-before($rights, $named), 'Licence: ')">
              <xsl:variable name="statement" select="normalize-space(concat(substring-before(substring-before($rights, $named), 'Licence: '), substring-after($rights, $named)))"/>
              <xsl:if test="$statement"><p><xsl:value-of select="$statement"/></p></xsl:if>
            </xsl:when>
            <xsl:when test="$rights">
              <p><xsl:value-of select="$rights"/></p>
            </xsl:when>
          </xsl:choose>
          <xsl:apply-templates select="(a:link[@rel = 'license'] | cc:license)[1]"/>
        </div>
      </xsl:if>
      <xsl:if test="a:category | category">
        <p class="tags">
          <xsl:text>Filed under: </xsl:text>
          <xsl:for-each select="a:category | category">
            <xsl:if test="position() > 1">, </xsl:if>
            <xsl:value-of select="normalize-space(@label | @term[not(../@label)] | self::category)"/>
          </xsl:for-each>
        </p>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- "A", "A and B", "A, B and C" -->
  <xsl:template match="a:author | dc:creator | author" mode="byline">
    <xsl:if test="position() > 1">
      <xsl:choose>
        <xsl:when test="position() = last()"> and </xsl:when>
        <xsl:otherwise>, </xsl:otherwise>
      </xsl:choose>
    </xsl:if>
    <xsl:variable name="name" select="normalize-space(a:name | self::dc:creator | self::author)"/>
    <xsl:choose>
      <xsl:when test="a:uri">
        <a class="author"><xsl:call-template name="href"><xsl:with-param name="url" select="a:uri"/></xsl:call-template><xsl:value-of select="$name"/></a>
      </xsl:when>
      <xsl:otherwise><span class="author"><xsl:value-of select="$name"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Atom dates are RFC 3339 (show the day), RSS dates RFC 822 (drop the time) -->
  <xsl:template match="a:published | a:updated | pubDate" mode="date">
    <xsl:param name="separator" select="false()"/>
    <xsl:if test="$separator"> · </xsl:if>
    <xsl:choose>
      <xsl:when test="self::pubDate and contains(., ':')">
        <xsl:variable name="head" select="substring-before(., ':')"/>
        <span class="date"><xsl:value-of select="normalize-space(substring($head, 1, string-length($head) - 2))"/></span>
      </xsl:when>
      <xsl:when test="self::pubDate"><span class="date"><xsl:value-of select="."/></span></xsl:when>
      <xsl:otherwise><time datetime="{.}"><xsl:value-of select="substring(., 1, 10)"/></time></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- the licence: Atom link rel=license (its title names it), RSS creativeCommons:license (a URL) -->
  <xsl:template match="a:link[@rel = 'license'] | cc:license">
    <xsl:variable name="url" select="normalize-space(@href | self::cc:license)"/>
    <p class="licence">
      <xsl:text>Licence: </xsl:text>
      <a rel="license">
        <xsl:call-template name="href"><xsl:with-param name="url" select="$url"/></xsl:call-template>
        <xsl:choose>
          <xsl:when test="normalize-space(@title)"><xsl:value-of select="normalize-space(@title)"/></xsl:when>
          <xsl:otherwise><xsl:call-template name="licence-name"><xsl:with-param name="url" select="$url"/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </a>
    </p>
  </xsl:template>

  <!-- https://creativecommons.org/licenses/by-nd/4.0/ gives "CC BY-ND 4.0"; other URLs are shown as they are -->
  <xsl:template name="licence-name">
    <xsl:param name="url"/>
    <xsl:variable name="path" select="substring-after($url, 'creativecommons.org/')"/>
    <xsl:variable name="rest" select="substring-after($path, '/')"/>
    <xsl:variable name="code" select="substring-before($rest, '/')"/>
    <xsl:variable name="version" select="substring-before(substring-after($rest, '/'), '/')"/>
    <xsl:choose>
      <xsl:when test="starts-with($path, 'licenses/') and $code">
        <xsl:value-of select="concat('CC ', translate($code, $lower, $upper), ' ', $version)"/>
      </xsl:when>
      <xsl:when test="starts-with($path, 'publicdomain/zero/')">
        <xsl:value-of select="concat('CC0 ', $version)"/>
      </xsl:when>
      <xsl:when test="starts-with($path, 'publicdomain/mark/')">Public Domain Mark</xsl:when>
      <xsl:otherwise><xsl:value-of select="$url"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="a:link" mode="nav">
    <a><xsl:call-template name="href"><xsl:with-param name="url" select="@href"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="@rel = 'next-archive'">Newer entries</xsl:when>
        <xsl:when test="@rel = 'prev-archive'">Older entries</xsl:when>
        <xsl:otherwise>Latest entries</xsl:otherwise>
      </xsl:choose>
    </a>
  </xsl:template>

  <!-- an href only for http(s) URLs: no javascript: or data: links from feed text -->
  <xsl:template name="href">
    <xsl:param name="url"/>
    <xsl:variable name="clean" select="normalize-space($url)"/>
    <xsl:variable name="scheme" select="translate(substring-before($clean, ':'), $upper, $lower)"/>
    <xsl:if test="$scheme = 'https' or $scheme = 'http'">
      <xsl:attribute name="href"><xsl:value-of select="$clean"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template name="host">
    <xsl:param name="url"/>
    <xsl:variable name="after" select="substring-after($url, '://')"/>
    <xsl:choose>
      <xsl:when test="contains($after, '/')"><xsl:value-of select="substring-before($after, '/')"/></xsl:when>
      <xsl:when test="$after"><xsl:value-of select="$after"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$url"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
