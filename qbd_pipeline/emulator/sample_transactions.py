"""The generator's transactions (sales orders, invoices, credit memos, purchase orders, inventory
adjustments) and the later edits of every record."""

from datetime import datetime, timedelta

from . import sample_parts as parts


class TransactionMakers:
    """Mixed into the generator: one method per transaction type, and the edit bodies."""

    # -- transactions ----------------------------------------------------------------------------
    def _pick_customer(self) -> str:
        pool = self.customer_pool
        return pool[int(len(pool) * self.rng.random() ** 1.5)]  # long-standing customers buy more

    def _sales_lines(self) -> list[dict]:
        rng = self.rng
        pools = [(p, w) for p, w in ((self.inventory, 55), (self.assemblies, 10), (self.non_inventory, 12),
                                     (self.services, 15)) if p]
        weights = [w for _, w in pools]
        count = rng.choices((1, 2, 3, 4, 5, 6), (30, 25, 18, 12, 9, 6))[0]
        lines = []
        for _ in range(count):
            pool = rng.choices(pools, weights)[0][0]
            item = rng.choice(pool)
            price = item.price if rng.random() < 0.85 else round(item.price * rng.uniform(0.85, 0.98))
            quantity = (rng.randint(1, 8) if pool is self.services
                        else rng.choice((1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 24, 50)))
            lines.append({"itemId": item.id, "quantity": quantity, "rate": parts.money(price),
                          "description": item.desc})
        if self.charges and len(lines) < 6 and rng.random() < 0.2:
            charge = rng.choice(self.charges)
            lines.append({"itemId": charge.id, "quantity": 1, "rate": parts.money(charge.price),
                          "description": charge.desc})
        return lines

    def _sales_header(self, path: str, ts: datetime, ref: str) -> dict:
        rng = self.rng
        day = ts.date()
        body: dict = {"customerId": self._pick_customer(), "transactionDate": day.isoformat(),
                      "refNumber": ref, "lines": self._sales_lines()}
        if rng.random() < 0.6:
            terms = rng.choice(parts.TERMS)
            body["termsId"] = terms
            if path == parts.INVOICES or rng.random() < 0.4:
                body["dueDate"] = (day + timedelta(days=parts.TERMS_DAYS[terms])).isoformat()
        if rng.random() < 0.35:
            body["purchaseOrderNumber"] = f"PO{rng.randint(1000, 9_999_999)}"
        if rng.random() < 0.3:
            body["shippingAddress"] = self._address()
        if rng.random() < 0.5:
            body["shippingMethodId"] = rng.choice(parts.SHIP_METHODS)
            body["shippingDate"] = (day + timedelta(days=rng.randint(0, 10))).isoformat()
        if rng.random() < 0.5:
            body["salesRepresentativeId"] = rng.choice(parts.REPS)
        if rng.random() < 0.4:
            body["memo"] = rng.choice(parts.SO_MEMOS if path == parts.SALES_ORDERS else parts.INVOICE_MEMOS)
        return body

    def _sales_order(self, offset: float) -> None:
        ts = self._stamp(offset)
        body = self._sales_header(parts.SALES_ORDERS, ts, f"SO-{1000 + self._next(parts.SALES_ORDERS)}")
        self._create(parts.SALES_ORDERS, body, ts, offset)

    def _invoice(self, offset: float) -> None:
        ts = self._stamp(offset)
        body = self._sales_header(parts.INVOICES, ts, str(1000 + self._next(parts.INVOICES)))
        self._create(parts.INVOICES, body, ts, offset)

    def _credit_memo(self, offset: float) -> None:
        """A customer returns one or two stocked goods: they go back on hand, the customer gets credit."""
        ts = self._stamp(offset)
        rng = self.rng
        pool = self.inventory or self.non_inventory
        lines = []
        for item in rng.sample(pool, min(len(pool), rng.choice((1, 1, 1, 2)))):
            lines.append({"itemId": item.id, "quantity": rng.choice((1, 1, 2, 3, 5)), "rate": parts.money(item.price),
                          "description": item.desc})
        body: dict = {"customerId": self._pick_customer(), "transactionDate": ts.date().isoformat(),
                      "refNumber": f"CM-{1000 + self._next(parts.CREDIT_MEMOS)}", "lines": lines}
        if rng.random() < 0.7:
            body["memo"] = rng.choice(parts.RETURN_MEMOS)
        self._create(parts.CREDIT_MEMOS, body, ts, offset)

    def _purchase_order(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        day = ts.date()
        if self.stocked_vendors and rng.random() < 0.75:
            vendor = rng.choice(self.stocked_vendors)
            candidates = self.vendor_items[vendor]
        else:
            vendor = rng.choice(self.suppliers)
            candidates = self.inventory + self.non_inventory
        count = min(len(candidates), rng.choices((1, 2, 3, 4, 5, 6), (20, 25, 20, 15, 12, 8))[0])
        lines = []
        for item in rng.sample(candidates, count):
            cost = item.cost or item.price
            quantity = rng.choice((5, 10, 12, 20, 24, 25, 48, 50, 100, 200))
            lines.append({"itemId": item.id, "quantity": quantity, "rate": parts.money(cost),
                          "description": item.desc})
        body: dict = {
            "vendorId": vendor, "transactionDate": day.isoformat(),
            "refNumber": f"PO-{1000 + self._next(parts.PURCHASE_ORDERS)}", "lines": lines,
            "shippingAddress": dict(self.warehouse),
        }
        if rng.random() < 0.7:
            body["expectedDate"] = (day + timedelta(days=rng.randint(3, 30))).isoformat()
        if rng.random() < 0.5:
            terms = rng.choice(parts.TERMS)
            body["termsId"] = terms
            body["dueDate"] = (day + timedelta(days=parts.TERMS_DAYS[terms])).isoformat()
        if rng.random() < 0.4:
            body["shippingMethodId"] = rng.choice(parts.SHIP_METHODS)
        if rng.random() < 0.4:
            body["memo"] = rng.choice(parts.PO_MEMOS)
        self._create(parts.PURCHASE_ORDERS, body, ts, offset)

    def _adjustment(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        count = min(len(self.inventory), rng.choices((1, 2, 3, 4), (50, 25, 15, 10))[0])
        lines = []
        for item in rng.sample(self.inventory, count):
            difference = rng.choice((-1, -1, -1, 1)) * rng.randint(1, 12)
            lines.append({"itemId": item.id, "adjustQuantity": {"quantityDifference": difference}})
        body: dict = {
            "accountId": parts.ACC_ADJUST, "transactionDate": ts.date().isoformat(),
            "refNumber": f"ADJ-{1000 + self._next(parts.INVENTORY_ADJUSTMENTS)}", "lines": lines,
        }
        if rng.random() < 0.8:
            body["memo"] = rng.choice(parts.ADJUST_MEMOS)
        self._create(parts.INVENTORY_ADJUSTMENTS, body, ts, offset)

    # -- edits -----------------------------------------------------------------------------------
    def _edit_body(self, path: str, tag: object) -> dict:
        """One realistic change to a record (without `revisionNumber`)."""
        rng = self.rng
        if path in (parts.CUSTOMERS, parts.VENDORS):
            roll = rng.random()
            if roll < 0.3:
                return {"phone": self._phone()}
            if roll < 0.55:  # a new contact person
                first, last = self._person()
                return {"firstName": first, "lastName": last, "contact": f"{first} {last}",
                        "email": self._email(first, last, rng.choice(parts.FREEMAIL)), "phone": self._phone()}
            if roll < 0.75:  # the business moved
                address = self._address()
                return {"billingAddress": address, "shippingAddress": dict(address)}
            if roll < 0.9:
                return {"termsId": rng.choice(parts.TERMS)}
            return {"note": rng.choice(parts.NOTES)}
        if isinstance(tag, parts.Item):
            return self._item_edit(tag)
        memos = {parts.SALES_ORDERS: parts.SO_MEMOS, parts.INVOICES: parts.INVOICE_MEMOS,
                 parts.PURCHASE_ORDERS: parts.PO_MEMOS, parts.INVENTORY_ADJUSTMENTS: parts.ADJUST_MEMOS,
                 parts.CREDIT_MEMOS: parts.RETURN_MEMOS}[path]
        return {"memo": f"{rng.choice(memos)}; {rng.choice(parts.MEMO_FOLLOWUPS)}"}

    def _item_edit(self, item: parts.Item) -> dict:
        rng = self.rng
        mode = item.mode
        if mode in ("rate", "ratepct"):
            key = "discountRate" if mode == "rate" else "discountRatePercent"
            return {key: parts.money(rng.choice((5, 10, 15, 25)) * 100)}
        if mode == "pct":
            return {"salesOrPurchaseDetails": {"pricePercentage": parts.money(rng.choice((200, 300, 400)))}}
        roll = rng.random()
        if mode == "inv" and roll < 0.2:
            return {"reorderPoint": rng.choice((10, 15, 30, 40, 75))}
        item.price = max(1, round(item.price * rng.uniform(1.02, 1.15)))  # later orders use it
        if mode == "sop":
            return {"salesOrPurchaseDetails": {"price": parts.money(item.price)}}
        if mode == "sap":
            return {"salesAndPurchaseDetails": {"salesPrice": parts.money(item.price)}}
        if roll < 0.4:
            item.cost = max(1, round(item.cost * rng.uniform(1.01, 1.1)))
            return {"salesPrice": parts.money(item.price), "purchaseCost": parts.money(item.cost)}
        return {"salesPrice": parts.money(item.price)}
