"""The pages of the main window (首页, 用人单位, 服务协议, 待遇发放, 年度考核, 离职追回,
报表打印, 系统设置) and the grant dialog. Each module exposes ``class Page(QWidget)``
following the contract in ``talentdesk/ui/__init__.py``; see docs/gui-pages.md.
"""
