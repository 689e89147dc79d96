from . import kiosk
