"""The network's weekly letter: a web page, a feed, an email and a printable poster per week.

compose  the week's items from what the network stage already has (manifests,
         the planet's cache, the agenda) and the editors' ``lettre/AAAA-sSS.md``
render   the web pages and feeds, the email (HTML with inlined CSS + plain text), the PDF
send     one message to the mailing list's posting address, once per week
"""
