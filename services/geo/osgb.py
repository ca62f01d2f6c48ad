"""OS National Grid (OSGB36 eastings/northings) to WGS84 latitude/longitude, in pure Python.

Follows Ordnance Survey's "A guide to coordinate systems in Great Britain": the inverse
Transverse Mercator projection on the Airy 1830 ellipsoid, then the published 7-parameter
Helmert transformation to WGS84. The Helmert step is accurate to about 5 metres, far better
than a postcode centroid needs.
"""

import math

# Airy 1830 ellipsoid and the National Grid projection.
_AIRY_A, _AIRY_B = 6377563.396, 6356256.909
_F0 = 0.9996012717
_LAT0, _LON0 = math.radians(49), math.radians(-2)
_E0, _N0 = 400_000.0, -100_000.0

# WGS84 / GRS80 ellipsoid.
_WGS84_A, _WGS84_B = 6378137.0, 6356752.314245

# OSGB36 -> WGS84 Helmert parameters (metres, parts per million, arc seconds).
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S_PPM = -20.4894
_RX, _RY, _RZ = 0.1502, 0.2470, 0.8421


def _meridional_arc(lat: float) -> float:
    n = (_AIRY_A - _AIRY_B) / (_AIRY_A + _AIRY_B)
    n2, n3 = n * n, n * n * n
    d, s = lat - _LAT0, lat + _LAT0
    return (
        _AIRY_B
        * _F0
        * (
            (1 + n + 1.25 * n2 + 1.25 * n3) * d
            - (3 * n + 3 * n2 + 2.625 * n3) * math.sin(d) * math.cos(s)
            + (1.875 * n2 + 1.875 * n3) * math.sin(2 * d) * math.cos(2 * s)
            - (35 / 24) * n3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """National Grid eastings/northings -> OSGB36 (latitude, longitude) in degrees."""
    a, e2 = _AIRY_A, 1 - (_AIRY_B * _AIRY_B) / (_AIRY_A * _AIRY_A)
    lat = _LAT0
    arc = 0.0
    while True:
        lat += (northing - _N0 - arc) / (a * _F0)
        arc = _meridional_arc(lat)
        if abs(northing - _N0 - arc) < 0.00001:
            break
    sin_lat, cos_lat, tan_lat = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_lat * sin_lat)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_lat * sin_lat) ** 1.5
    eta2 = nu / rho - 1
    t2, t4, t6 = tan_lat**2, tan_lat**4, tan_lat**6
    sec_lat = 1 / cos_lat
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan_lat / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = sec_lat / nu
    xi = sec_lat / (6 * nu**3) * (nu / rho + 2 * t2)
    xii = sec_lat / (120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec_lat / (5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = easting - _E0
    lat_out = lat - vii * de**2 + viii * de**4 - ix * de**6
    lon_out = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(lat_out), math.degrees(lon_out)


def _helmert_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """OSGB36 (lat, lon) in degrees, height 0 -> WGS84 (lat, lon) in degrees."""
    phi, lam = math.radians(lat), math.radians(lon)
    e2 = 1 - (_AIRY_B * _AIRY_B) / (_AIRY_A * _AIRY_A)
    nu = _AIRY_A / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    x1 = nu * math.cos(phi) * math.cos(lam)
    y1 = nu * math.cos(phi) * math.sin(lam)
    z1 = (1 - e2) * nu * math.sin(phi)

    s = _S_PPM / 1e6
    rx, ry, rz = (math.radians(v / 3600) for v in (_RX, _RY, _RZ))
    x2 = _TX + (1 + s) * x1 - rz * y1 + ry * z1
    y2 = _TY + rz * x1 + (1 + s) * y1 - rx * z1
    z2 = _TZ - ry * x1 + rx * y1 + (1 + s) * z1

    a, e2_wgs = _WGS84_A, 1 - (_WGS84_B * _WGS84_B) / (_WGS84_A * _WGS84_A)
    p = math.hypot(x2, y2)
    phi2 = math.atan2(z2, p * (1 - e2_wgs))
    for _ in range(10):
        nu2 = a / math.sqrt(1 - e2_wgs * math.sin(phi2) ** 2)
        phi2 = math.atan2(z2 + e2_wgs * nu2 * math.sin(phi2), p)
    return math.degrees(phi2), math.degrees(math.atan2(y2, x2))


def osgb36_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """OS National Grid eastings/northings (metres) -> WGS84 (latitude, longitude)."""
    return _helmert_to_wgs84(*grid_to_osgb36(easting, northing))
