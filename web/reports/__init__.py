"""Reports a dairy runs on, for the staff who see every customer: dues and ageing,
sales by product and month, delivery performance per delivery boy, and cash collected
vs handed over. Each is a page (periods.py chooses what it covers), a CSV and Excel
export (exports.py) and, where a picture says more, an SVG chart (charts.py)."""
