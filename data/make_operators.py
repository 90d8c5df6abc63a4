#!/usr/bin/env python3
"""Writes data/operators.tsv: one line per network, MCC-MNC, a tab, the network's name, sorted
by code, from mcc-mnc-table.csv of github.com/musalbas/mcc-mnc-table (MIT licence; the table
of mcc-mnc.com). That table names the network operator of each code (Vodafone for 234-15),
where GNOME's mobile-broadband-provider-info lists the virtual operators on a network beside
it. The daemon uses it only for modems that give the operator as digits alone.

Usage: make_operators.py mcc-mnc-table.csv "SOURCE COMMIT AND DATE"
"""
import csv
import sys

source, origin = sys.argv[1], sys.argv[2]
names = {}
with open(source, encoding="utf-8") as table:
    for row in csv.DictReader(table):
        mcc, mnc, name = row["MCC"].strip(), row["MNC"].strip(), " ".join(row["Network"].split())
        if not (mcc.isdigit() and mnc.isdigit() and name):
            continue
        # A code listed twice (a former and a current name) keeps its first row.
        names.setdefault(f"{mcc}-{mnc}", name)
with open("data/operators.tsv", "w", encoding="utf-8") as out:
    out.write(f"# {origin}\n")
    for code in sorted(names):
        out.write(f"{code}\t{names[code]}\n")
