<?xml version="1.0" encoding="utf-8"?>
{#- The feeds' style sheet (output/suivre/flux.xsl): a browser that opens an Atom or RSS feed of
    the network shows it as a page of news in the theme's look, with a word on what feeds are for
    and a link to « Suivre le réseau ». Rendered by the network stage; addresses root-relative. -#}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat" indent="yes"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="normalize-space(atom:feed/atom:title | rss/channel/title)"/>
    <html lang="{{ DEFAULT_LANG }}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> — {{ _("nouvelles à suivre") }}</title>
        <link rel="stylesheet" href="{{ root }}/{{ THEME_STATIC_DIR }}/css/citoyen.css"/>
        <link rel="stylesheet" href="{{ root }}/{{ THEME_STATIC_DIR }}/css/accent.css"/>
      </head>
      <body class="feed-page">
        <main id="contenu" class="wrap">
          <p class="feed-notice">{{ _("Cette page est un « flux » : copiez son adresse dans une application de lecture de flux pour recevoir ces nouvelles dès leur parution.") }}
            <a href="{{ root }}/{{ follow_path }}">{{ _("Comment suivre le réseau") }}</a></p>
          <h1><xsl:value-of select="$title"/></h1>
          <ul class="article-list">
            <xsl:for-each select="atom:feed/atom:entry | rss/channel/item">
              <li>
                <h2 class="feed-entry">
                  <a href="{(atom:link[@rel='alternate'] | atom:link[not(@rel)] | link)[1]/@href | link}">
                    <xsl:value-of select="atom:title | title"/>
                  </a>
                </h2>
                <p class="meta">
                  <xsl:value-of select="substring(atom:published | atom:updated, 1, 10)"/>
                  <xsl:value-of select="pubDate"/>
                  <xsl:if test="atom:author/atom:name | author">
                    — <xsl:value-of select="(atom:author/atom:name | author)[1]"/>
                  </xsl:if>
                </p>
              </li>
            </xsl:for-each>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
