"""The generator's list objects: customers (and their jobs), vendors, and items of every type."""

from datetime import datetime, timedelta

from . import sample_parts as parts


class ListMakers:
    """Mixed into the generator: one method per list object type, each creating one record."""

    # -- list objects ----------------------------------------------------------------------------
    def _customer(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        if self.jobs_left and self.job_parent is not None:
            self.jobs_left -= 1
            body = self._job_body(ts)
            dormant = rng.random() < parts.DEACTIVATE_SHARE
            id_ = self._create(parts.CUSTOMERS, body, ts, offset, deactivate=dormant)
            if not dormant and body["jobStatus"] != "closed":  # closed jobs take no new orders
                self.customer_pool.append(id_)
            return
        body, parent_info = self._customer_body()
        jobs = rng.randint(1, 3) if rng.random() < self.sizes.jobs_per_customer_ratio else 0
        # dormant customers (later made inactive) place no orders; keep a few customers active
        dormant = not jobs and len(self.customer_pool) >= 5 and rng.random() < parts.DEACTIVATE_SHARE
        id_ = self._create(parts.CUSTOMERS, body, ts, offset, deactivate=dormant)
        if not dormant:
            self.customer_pool.append(id_)
        if jobs:
            self.job_parent = (id_, *parent_info)
            self.jobs_left = jobs

    def _customer_body(self) -> tuple[dict, tuple]:
        rng = self.rng
        first, last = self._person()
        if rng.random() < 0.25:  # an individual, filed "Last, First" as many QuickBooks users do
            name = self.entity_names.claim(f"{last}, {first}")
            body: dict = {"name": name, "firstName": first, "lastName": last}
            if rng.random() < 0.4:
                body["salutation"] = rng.choice(("Mr.", "Ms.", "Mrs.", "Dr."))
            domain = rng.choice(parts.FREEMAIL)
            customer_type, tax, klass, terms = parts.CT_RETAIL, parts.TAX, parts.CLASS_RETAIL, parts.TERMS[2]
            company = None
        else:
            company, domain = self._company_base(parts.CUSTOMER_TRADES)
            name = self.entity_names.claim(company)
            body = {"name": name, "companyName": company, "firstName": first, "lastName": last}
            if rng.random() < 0.6:
                body["jobTitle"] = rng.choice(parts.JOB_TITLES)
            distributor = rng.random() < 0.3
            customer_type = parts.CT_DISTRIBUTOR if distributor else parts.CT_RETAIL
            tax = parts.NON if distributor else parts.TAX
            klass = parts.CLASS_WHOLESALE if distributor else parts.CLASS_RETAIL
            terms = rng.choice(parts.TERMS[:2]) if rng.random() < 0.85 else parts.TERMS[2]
            if distributor:
                body["resaleNumber"] = f"R{rng.randint(10_000_000, 99_999_999)}"
            if rng.random() < 0.5:
                body["creditLimit"] = parts.money(rng.choice((2_500, 5_000, 10_000, 25_000, 50_000)) * 100)
        billing = self._address()
        city_area = parts.AREA_CODES[billing["city"]]
        shipping = billing if rng.random() < 0.7 else self._address()
        body.update(
            contact=f"{first} {last}",
            phone=self._phone(city_area),
            email=self._email(first, last, domain),
            billingAddress=billing,
            shippingAddress=dict(shipping),
            termsId=terms,
            customerTypeId=customer_type,
            salesTaxCodeId=tax,
            classId=klass,
            accountNumber=f"C{self._next(parts.CUSTOMERS):06d}",
            preferredDeliveryMethod=rng.choice(("email", "email", "mail", "none")),
        )
        if rng.random() < 0.7:
            body["salesRepresentativeId"] = rng.choice(parts.REPS)
        if rng.random() < 0.15:
            body["fax"] = self._phone(city_area)
        if rng.random() < 0.2:
            body["alternatePhone"] = self._phone(city_area)
        if rng.random() < 0.1:
            body["note"] = rng.choice(parts.NOTES)
        return body, (billing, terms, customer_type, tax, klass, company, domain)

    def _job_body(self, ts: datetime) -> dict:
        rng = self.rng
        parent_id, billing, terms, customer_type, tax, klass, company, domain = self.job_parent
        name = self.entity_names.claim(f"{rng.choice(parts.JOB_SITES)} {rng.choice(parts.JOB_WORK)}")
        first, last = self._person()
        begin = ts.date() + timedelta(days=rng.randint(0, 20))
        body = {
            "name": name, "parentId": parent_id, "firstName": first, "lastName": last,
            "contact": f"{first} {last}", "phone": self._phone(), "email": self._email(first, last, domain),
            "billingAddress": dict(billing), "shippingAddress": self._address(),
            "termsId": terms, "customerTypeId": customer_type, "salesTaxCodeId": tax, "classId": klass,
            "jobStatus": rng.choice(parts.JOB_STATUSES), "jobStartDate": begin.isoformat(),
            "jobProjectedEndDate": (begin + timedelta(days=rng.randint(14, 180))).isoformat(),
            "jobDescription": f"{name} for {company or 'homeowner'}"[:99],
        }
        if company:
            body["companyName"] = company
        return body

    def _vendor(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        carrier = bool(self.suppliers) and rng.random() < 0.12  # the first vendor is a supplier
        company, domain = self._company_base(parts.CARRIER_TRADES if carrier else parts.VENDOR_TRADES)
        name = self.entity_names.claim(company)
        first, last = self._person()
        billing = self._address()
        area = parts.AREA_CODES[billing["city"]]
        body = {
            "name": name, "companyName": company, "nameOnCheck": company, "firstName": first,
            "lastName": last, "contact": f"{first} {last}", "jobTitle": rng.choice(parts.JOB_TITLES),
            "phone": self._phone(area), "email": self._email(first, last, domain), "billingAddress": billing,
            "termsId": rng.choice(parts.TERMS), "vendorTypeId": parts.VT_CARRIER if carrier else parts.VT_SUPPLIER,
            "accountNumber": f"ACCT-{rng.randint(10_000, 999_999)}",
        }
        if rng.random() < 0.4:
            body["shippingAddress"] = self._address()
        if rng.random() < 0.3:
            body["fax"] = self._phone(area)
        if rng.random() < 0.3:
            body["creditLimit"] = parts.money(rng.choice((10_000, 25_000, 100_000)) * 100)
        if carrier:
            body["isEligibleFor1099"] = rng.random() < 0.5
        dormant = len(self.vendors) >= 3 and rng.random() < parts.DEACTIVATE_SHARE
        id_ = self._create(parts.VENDORS, body, ts, offset, deactivate=dormant)
        self.vendors.append(id_)
        if not carrier:
            self.suppliers.append(id_)

    def _deactivate_item(self) -> bool:
        return self.rng.random() < parts.DEACTIVATE_SHARE

    def _prefer_vendor(self, body: dict, item: parts.Item, key: str = "preferredVendorId") -> None:
        """Give ~70% of purchasable items a preferred supplier; purchase orders follow it."""
        if self.suppliers and self.rng.random() < 0.7:
            vendor = self.rng.choice(self.suppliers)
            body[key] = vendor
            items = self.vendor_items.get(vendor)
            if items is None:
                items = self.vendor_items[vendor] = []
                self.stocked_vendors.append(vendor)
            items.append(item)

    def _inventory_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        materials, products, sizes = rng.choice(parts.PRODUCT_FAMILIES)
        name = self.item_names.claim(self._item_base(
            lambda: f"{rng.choice(materials)} {rng.choice(products)} {rng.choice(sizes)}"))
        cost = self._cents(1.8, 1.1, 25, 250_000)
        price = round(cost * rng.uniform(1.25, 2.2))
        pack = rng.choice(parts.PACKS)
        desc = f"{name}, {rng.choice(parts.FINISHES)}, {pack}"
        body = {
            "name": name, "sku": f"INV-{self._next(parts.INVENTORY_ITEMS):05d}",
            "salesDescription": desc,
            "purchaseDescription": f"{name} ({pack}) mfr part {rng.randint(1000, 99999)}",
            "salesPrice": parts.money(price), "purchaseCost": parts.money(cost),
            "incomeAccountId": parts.ACC_SALES, "cogsAccountId": parts.ACC_COGS, "assetAccountId": parts.ACC_ASSET,
            "salesTaxCodeId": parts.TAX, "reorderPoint": rng.choice((5, 10, 10, 20, 25, 50, 100)),
        }
        if rng.random() < 0.3:
            body["maximumQuantityOnHand"] = body["reorderPoint"] * rng.choice((4, 5, 10))
        item = parts.Item("", price, cost, desc, "inv")
        self._prefer_vendor(body, item)
        if rng.random() < 0.9:
            body["quantityOnHand"] = rng.choice((0, rng.randint(1, 40), rng.randint(20, 500)))
            body["inventoryDate"] = ts.date().isoformat()
        item.id = self._create(parts.INVENTORY_ITEMS, body, ts, offset, tag=item,
                               deactivate=self._deactivate_item())
        self.inventory.append(item)

    def _assembly_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(self._item_base(lambda: f"{rng.choice(parts.KIT_TIERS)} {rng.choice(parts.KITS)}"))
        components = rng.sample(self.inventory, min(len(self.inventory), rng.randint(2, 5)))
        lines = []
        cost = 0
        for part in components:
            quantity = rng.choice((1, 1, 2, 2, 4, 6, 8, 12))
            lines.append({"inventoryItemId": part.id, "quantity": quantity})
            cost += part.cost * quantity
            self.components.add(part.id)
        price = round(cost * rng.uniform(1.3, 1.9))
        desc = f"{name}: {len(components)}-part kit, assembled in house"
        body = {
            "name": name, "salesDescription": desc, "purchaseDescription": f"Components for {name}",
            "salesPrice": parts.money(price), "purchaseCost": parts.money(cost),
            "incomeAccountId": parts.ACC_SALES, "cogsAccountId": parts.ACC_COGS, "assetAccountId": parts.ACC_ASSET,
            "salesTaxCodeId": parts.TAX, "buildNotificationThreshold": rng.choice((2, 5, 10)), "lines": lines,
        }
        if rng.random() < 0.7:
            body["quantityOnHand"] = rng.randint(0, 30)
            body["inventoryDate"] = ts.date().isoformat()
        item = parts.Item("", price, cost, desc, "asm")
        item.id = self._create(parts.ASSEMBLY_ITEMS, body, ts, offset, tag=item, deactivate=self._deactivate_item())
        self.assemblies.append(item)

    def _non_inventory_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(self._item_base(
            lambda: f"{rng.choice(parts.NON_INVENTORY_VARIANTS)} {rng.choice(parts.NON_INVENTORY)}"))
        cost = self._cents(2.5, 1.0, 50, 500_000)
        price = round(cost * rng.uniform(1.2, 1.8))
        desc = f"{name} (non-stock)"
        sku = f"NI-{self._next(parts.NON_INVENTORY_ITEMS):05d}"
        body: dict = {"name": name, "sku": sku, "salesTaxCodeId": parts.TAX}
        if rng.random() < 0.7:  # bought to resell
            details = {
                "salesDescription": desc, "salesPrice": parts.money(price), "incomeAccountId": parts.ACC_SALES,
                "purchaseDescription": f"{name} - order from supplier", "purchaseCost": parts.money(cost),
                "expenseAccountId": parts.ACC_PURCHASES,
            }
            item = parts.Item("", price, cost, desc, "sap")
            self._prefer_vendor(details, item)
            body["salesAndPurchaseDetails"] = details
        else:  # only sold
            item = parts.Item("", price, cost, desc, "sop")
            body["salesOrPurchaseDetails"] = {"description": desc, "price": parts.money(price),
                                              "postingAccountId": parts.ACC_SALES}
        item.id = self._create(parts.NON_INVENTORY_ITEMS, body, ts, offset, tag=item,
                               deactivate=self._deactivate_item())
        self.non_inventory.append(item)

    def _service_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(self._item_base(
            lambda: f"{rng.choice(parts.SERVICES)} {rng.choice(parts.SERVICE_VARIANTS)}"))
        price = rng.choice((45, 55, 65, 75, 85, 95, 120, 150, 250)) * 100
        desc = f"{name} service"
        body: dict = {"name": name, "salesTaxCodeId": parts.NON}
        if rng.random() < 0.2:  # subcontracted: bought and resold
            cost = round(price * rng.uniform(0.5, 0.75))
            item = parts.Item("", price, cost, desc, "sap")
            body["salesAndPurchaseDetails"] = {
                "salesDescription": desc, "salesPrice": parts.money(price), "incomeAccountId": parts.ACC_SERVICE,
                "purchaseDescription": f"Subcontracted {name.lower()}", "purchaseCost": parts.money(cost),
                "expenseAccountId": parts.ACC_PURCHASES,
            }
        else:
            item = parts.Item("", price, 0, desc, "sop")
            body["salesOrPurchaseDetails"] = {"description": desc, "price": parts.money(price),
                                              "postingAccountId": parts.ACC_SERVICE}
        item.id = self._create(parts.SERVICE_ITEMS, body, ts, offset, tag=item, deactivate=self._deactivate_item())
        self.services.append(item)

    def _other_charge_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(rng.choice(parts.OTHER_CHARGES))
        desc = name
        details: dict = {"description": desc, "postingAccountId": parts.ACC_FREIGHT}
        if self.charges and rng.random() < 0.25:  # a percentage surcharge (never put on lines here)
            item = parts.Item("", 0, 0, desc, "pct")
            details["pricePercentage"] = parts.money(rng.choice((150, 250, 350, 500)))
        else:
            price = rng.choice((10, 15, 25, 35, 50, 75, 95, 150)) * 100
            item = parts.Item("", price, 0, desc, "sop")
            details["price"] = parts.money(price)
        body = {"name": name, "salesTaxCodeId": parts.NON, "salesOrPurchaseDetails": details}
        item.id = self._create(parts.OTHER_CHARGE_ITEMS, body, ts, offset, tag=item,
                               deactivate=self._deactivate_item())
        if item.mode == "sop":
            self.charges.append(item)

    def _discount_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(rng.choice(parts.DISCOUNTS))
        body: dict = {"name": name, "accountId": parts.ACC_DISCOUNTS, "salesTaxCodeId": parts.NON}
        if rng.random() < 0.7:
            percent = rng.choice((2, 5, 10, 15, 20))
            body["discountRatePercent"] = parts.money(percent * 100)
            body["description"] = f"{name} {percent}% off"
            item = parts.Item("", 0, 0, body["description"], "ratepct")
        else:
            amount = rng.choice((10, 25, 50, 100))
            body["discountRate"] = parts.money(amount * 100)
            body["description"] = f"{name} ${amount} off"
            item = parts.Item("", 0, 0, body["description"], "rate")
        item.id = self._create(parts.DISCOUNT_ITEMS, body, ts, offset, tag=item, deactivate=self._deactivate_item())
